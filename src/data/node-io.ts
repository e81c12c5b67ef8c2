// The only module that touches Node built-ins, and only through dynamic import() inside
// functions, so importing the library in a browser or Worker never loads node:fs or node:zlib.
// Deno and Bun provide both modules, so file paths work there too.

type Fs = typeof import('node:fs');
type Zlib = typeof import('node:zlib');

let fsMod: Promise<Fs> | null = null;
let zlibMod: Promise<Zlib> | null = null;

async function fs(what: string): Promise<Fs> {
  try { return await (fsMod ??= import('node:fs')); } catch {
    throw new Error(`${what}: reading a file path needs node:fs (Node, Deno, Bun); in a browser or Worker pass bytes or a ReadableStream instead`);
  }
}

async function zlib(): Promise<Zlib> { return (zlibMod ??= import('node:zlib')); }

/** Byte chunks of a file, gunzipped when its first bytes are the gzip magic (or its name ends in .gz). */
export async function* nodeFileChunks(path: string | URL, name: string): AsyncGenerator<Uint8Array> {
  const f = await fs('readEvents');
  let head: Buffer;
  try {
    const fd = await f.promises.open(path, 'r');
    try { head = Buffer.alloc(2); const r = await fd.read(head, 0, 2, 0); head = head.subarray(0, r.bytesRead); } finally { await fd.close(); }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`readEvents: cannot open ${String(path)} (${code ?? (e as Error).message}); check the path`);
  }
  const gz = (head.length === 2 && head[0] === 0x1f && head[1] === 0x8b) || String(path).endsWith('.gz');
  let stream: NodeJS.ReadableStream = f.createReadStream(path, { highWaterMark: 1 << 20 });
  if (gz) {
    const z = await zlib();
    const gunzip = z.createGunzip();
    stream.on('error', (e) => gunzip.destroy(e as Error));
    stream = stream.pipe(gunzip);
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    throw new Error(`readEvents: ${name}: ${gz ? 'gzip data is corrupt or truncated' : 'read failed'} (${(e as Error).message})`);
  }
}

/** Gunzip an async chunk sequence with node:zlib (fallback when DecompressionStream is missing). */
export async function* gunzipChunks(chunks: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  const z = await zlib();
  const { Readable } = await import('node:stream');
  const gunzip = Readable.from(chunks).pipe(z.createGunzip());
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    throw new Error(`readLines: ${name}: gzip data is corrupt or truncated (${(e as Error).message})`);
  }
}
