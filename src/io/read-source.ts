// Where checkpoint bytes come from: bytes as given, an http(s)/blob/data URL through fetch (browsers,
// Workers, Deno, Bun, Node), or a path / file: URL through node:fs (Node, Deno, Bun), imported
// lazily so this module loads where there is no file system. Errors name the source.
/** Bytes of a checkpoint from bytes, a path (Node, Deno, Bun) or an http(s)/file URL. */
export async function readCheckpointSource(source: Uint8Array | ArrayBuffer | string | URL): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: 'checkpoint' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'checkpoint' };
  const text = String(source);
  if (source instanceof URL ? source.protocol !== 'file:' : /^(https?|blob|data):/.test(text)) {
    // fetch: browsers, Workers, Deno, Bun and Node ≥ 18.
    const res = await fetch(source);
    if (!res.ok) throw new Error(`load: ${text}: HTTP ${res.status}`);
    return { bytes: new Uint8Array(await res.arrayBuffer()), name: text };
  }
  let fs: typeof import('node:fs/promises');
  try {
    fs = await import('node:fs/promises');
  } catch {
    // No file system (browser page, Worker): a relative path is a URL of the page.
    const base = (globalThis as { location?: { href: string } }).location?.href;
    if (source instanceof URL || !base) throw new Error(`load: ${text}: this runtime has no file system; pass the bytes or an http(s) URL`);
    return readCheckpointSource(new URL(text, base));
  }
  try {
    return { bytes: new Uint8Array(await fs.readFile(source)), name: text };
  } catch (e) {
    throw new Error(`load: ${text}: ${(e as Error).message}`);
  }
}
