// Where checkpoint bytes come from: bytes as given, an http(s)/blob/data URL through fetch (browsers,
// Workers, Deno, Bun, Node), or a path / file: URL (object or `file:///…` string) through node:fs
// (Node, Deno, Bun), imported lazily so this module loads where there is no file system. Errors
// name the path or URL as given; a fetched body is refused past `maxBytes` before it is buffered.

/** Largest checkpoint read by default (4 GiB: a 16M-item × 64-dim table is 4 GB of float32). */
export const MAX_CHECKPOINT_BYTES = 2 ** 32;

/** Bytes of a checkpoint from bytes, a path (Node, Deno, Bun) or an http(s)/file URL. */
export async function readCheckpointSource(source: Uint8Array | ArrayBuffer | string | URL, maxBytes = MAX_CHECKPOINT_BYTES): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: 'checkpoint (bytes)' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'checkpoint (bytes)' };
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new Error(`load: expected checkpoint bytes, a path or a URL, got ${source === null ? 'null' : typeof source}`);
  }
  const text = String(source);
  if (text === '') throw new Error('load: the checkpoint path is empty');
  if (source instanceof URL ? source.protocol !== 'file:' : /^(https?|blob|data):/i.test(text)) return fetchBytes(source, text, maxBytes);
  let fs: typeof import('node:fs/promises');
  try {
    fs = await import('node:fs/promises');
  } catch {
    // No file system (browser page, Worker): a relative path is a URL of the page.
    const base = (globalThis as { location?: { href: string } }).location?.href;
    if (source instanceof URL || /^file:/i.test(text) || !base) throw new Error(`load: ${text}: this runtime has no file system; pass the bytes or an http(s) URL`);
    return readCheckpointSource(new URL(text, base), maxBytes);
  }
  // A `file:` string is a file URL (percent-escapes decoded), not a relative path named "file:".
  const path: string | URL = source instanceof URL ? source : /^file:/i.test(text) ? new URL(text) : text;
  try {
    const size = (await fs.stat(path)).size;
    if (size > maxBytes) throw new Error(`is ${size} bytes, more than the ${maxBytes} allowed`);
    return { bytes: new Uint8Array(await fs.readFile(path)), name: text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a checkpoint file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new Error(`load: ${text}: ${why}`);
  }
}

async function fetchBytes(source: string | URL, text: string, maxBytes: number): Promise<{ bytes: Uint8Array; name: string }> {
  let res: Response;
  try {
    res = await fetch(source);
  } catch (e) {
    const cause = (e as { cause?: { message?: string; code?: string } }).cause;
    throw new Error(`load: ${text}: fetch failed (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
  if (!res.ok) throw new Error(`load: ${text}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  const declared = Number(res.headers.get('content-length'));
  if (declared > maxBytes) throw new Error(`load: ${text}: the server announces ${declared} bytes, more than the ${maxBytes} allowed`);
  if (!res.body) return { bytes: new Uint8Array(await res.arrayBuffer()), name: text };
  // Read in chunks so a body longer than announced (or unannounced) stops at the bound.
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new Error(`load: ${text}: the body passes ${maxBytes} bytes`);
      parts.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw (e as Error).message.startsWith('load:') ? e : new Error(`load: ${text}: reading the body failed (${(e as Error).message})`);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.byteLength; }
  return { bytes, name: text };
}
