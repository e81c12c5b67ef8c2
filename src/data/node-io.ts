// File chunks for readEvents in Node, Deno and Bun (node:fs streams, node:zlib gunzip). Only
// `mirec/node` reaches this module (through io/node-host.ts); the main entry never does.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { UrlLike } from '../engine/web-types.js';

/**
 * Byte chunks of a file, gunzipped when its first bytes are the gzip magic (or its name ends in
 * .gz). The file is opened once and read front to back, so `/dev/stdin`, pipes and FIFOs work;
 * `onBytes` sees the raw bytes (e.g. to hash the file in the same pass).
 */
export async function* nodeFileChunks(path: string | UrlLike, name: string, onBytes?: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  const p = path as string | URL;
  // Standard input is read from the process's own stream: opening /dev/stdin fails when it is a
  // socket (ENXIO), as with some process spawners.
  const stdin = p === '-' || p === '/dev/stdin';
  const stream = stdin ? process.stdin : createReadStream(p, { highWaterMark: 1 << 20 });
  try {
    if (!stdin) {
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'ENOENT: no such file' : code === 'EISDIR' ? 'EISDIR: a folder, not a file' : code === 'EACCES' ? 'EACCES: permission denied' : code ?? (e as Error).message;
    throw new Error(`readEvents: cannot open ${String(path)} (${why}); check the path`);
  }
  const raw = (async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onBytes?.(chunk);
      yield chunk as Uint8Array;
    }
  })();
  const it = raw[Symbol.asyncIterator]();
  let gz = false;
  try {
    let first = await it.next();
    while (!first.done && first.value.length === 0) first = await it.next();
    if (first.done) return;
    gz = (first.value.length >= 2 && first.value[0] === 0x1f && first.value[1] === 0x8b) || String(path).endsWith('.gz');
    const all = (async function* () {
      yield first.value;
      for (;;) { const r = await it.next(); if (r.done) return; yield r.value; }
    })();
    if (gz) {
      for await (const chunk of Readable.from(all).pipe(createGunzip()) as AsyncIterable<Buffer>) yield chunk;
    } else yield* all;
  } catch (e) {
    throw new Error(`readEvents: ${name}: ${gz ? 'gzip data is corrupt or truncated' : 'read failed'} (${(e as Error).message})`);
  } finally {
    if (!stdin) stream.destroy();
  }
}
