// File chunks for readEvents in Node, Deno and Bun (node:fs streams, node:zlib gunzip). Only
// `mirec/node` reaches this module (through io/node-host.ts); the main entry never does.
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { UrlLike } from '../engine/web-types.js';

/** Byte chunks of a file, gunzipped when its first bytes are the gzip magic (or its name ends in .gz). */
export async function* nodeFileChunks(path: string | UrlLike, name: string): AsyncGenerator<Uint8Array> {
  const p = path as string | URL;
  let head: Buffer;
  try {
    const fd = await fsp.open(p, 'r');
    try { head = Buffer.alloc(2); const r = await fd.read(head, 0, 2, 0); head = head.subarray(0, r.bytesRead); } finally { await fd.close(); }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`readEvents: cannot open ${String(path)} (${code ?? (e as Error).message}); check the path`);
  }
  const gz = (head.length === 2 && head[0] === 0x1f && head[1] === 0x8b) || String(path).endsWith('.gz');
  let stream: NodeJS.ReadableStream = createReadStream(p, { highWaterMark: 1 << 20 });
  if (gz) {
    const gunzip = createGunzip();
    stream.on('error', (e) => gunzip.destroy(e as Error));
    stream = stream.pipe(gunzip);
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    throw new Error(`readEvents: ${name}: ${gz ? 'gzip data is corrupt or truncated' : 'read failed'} (${(e as Error).message})`);
  }
}
