// Streaming line reader over every source a host can offer: a file path (through the file
// system `mirec/node` installs: Node, Deno, Bun), bytes, text, or a web ReadableStream. Gzip is
// detected by the magic bytes 1f 8b (or a `.gz` name) and inflated on the fly with
// DecompressionStream, so a file is never held in memory whole.
import type { ByteStream, UrlLike } from '../engine/web-types.js';
import { hostFiles } from './host-files.js';

/**
 * Where data comes from. A string or URL is a file path (Node, Deno and Bun, through
 * `mirec/node`); bytes and streams work everywhere; `{ text }` is in-memory content. `name`
 * labels error messages.
 */
export type DataSource =
  | string
  | UrlLike
  | Uint8Array
  | ByteStream
  | { text: string; name?: string }
  | { bytes: Uint8Array; name?: string }
  | { stream: ByteStream; name?: string };

const isUrlObject = (s: unknown): s is UrlLike => typeof s === 'object' && s !== null && typeof (s as UrlLike).href === 'string' && typeof (s as UrlLike).protocol === 'string';

/** A short label for messages: the file's base name, or the given name, or the kind. */
export function sourceName(src: DataSource): string {
  if (typeof src === 'string') return src.split(/[\\/]/).pop() || src;
  if (isUrlObject(src)) return src.pathname.split('/').pop() || src.href;
  if (src instanceof Uint8Array) return 'bytes';
  if (isReadableStream(src)) return 'stream';
  return src.name ?? ('text' in src ? 'text' : 'bytes' in src ? 'bytes' : 'stream');
}

function isReadableStream(x: unknown): x is ByteStream {
  return typeof x === 'object' && x !== null && typeof (x as ByteStream).getReader === 'function';
}

function isGzip(b: Uint8Array): boolean { return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b; }

async function* streamChunks(stream: ByteStream): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) { const { done, value } = await reader.read(); if (done) return; if (value) yield value; }
  } finally { reader.releaseLock(); }
}

/** Gunzip a chunk sequence with DecompressionStream (Node ≥ 18, Deno, Bun, browsers, Workers). */
async function* gunzip(chunks: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  const DS = (globalThis as { DecompressionStream?: new (f: string) => TransformStream<Uint8Array, Uint8Array> }).DecompressionStream;
  if (!DS) throw new Error(`readLines: ${name} is gzip data and this runtime has no DecompressionStream; pass the uncompressed bytes`);
  const it = chunks[Symbol.asyncIterator]();
  const input = new ReadableStream<Uint8Array>({
    async pull(c) { const r = await it.next(); if (r.done) c.close(); else c.enqueue(r.value); },
  });
  try { yield* streamChunks(input.pipeThrough(new DS('gzip'))); } catch (e) {
    throw new Error(`readLines: ${name}: gzip data is corrupt or truncated (${(e as Error).message})`);
  }
}

/** Put the first chunk back in front of the rest of an iterator. */
async function* prepend(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (;;) { const r = await rest.next(); if (r.done) return; yield r.value; }
}

/** Raw byte chunks of a source, gzip already removed. */
export async function* sourceChunks(src: DataSource): AsyncGenerator<Uint8Array> {
  const name = sourceName(src);
  if (typeof src === 'string' || isUrlObject(src)) { yield* hostFiles('readEvents', src).fileChunks(src, name); return; }
  let raw: AsyncIterable<Uint8Array>;
  if (src instanceof Uint8Array) raw = (async function* () { yield src; })();
  else if (isReadableStream(src)) raw = streamChunks(src);
  else if ('text' in src) { yield new TextEncoder().encode(src.text); return; }
  else if ('bytes' in src) { const b = src.bytes; raw = (async function* () { yield b; })(); }
  else raw = streamChunks(src.stream);
  const it = raw[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return;
  const all = prepend(first.value, it);
  if (isGzip(first.value)) yield* gunzip(all, name); else yield* all;
}

/**
 * Call `onLine(line, lineNo)` for every line (1-based numbers, '\r\n' handled, a final line
 * without newline included). Memory stays at one chunk plus one partial line.
 */
export async function forEachLine(src: DataSource, onLine: (line: string, lineNo: number) => void): Promise<number> {
  const dec = new TextDecoder('utf-8');
  let rest = '';
  let lineNo = 0;
  const emit = (text: string, final: boolean): void => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      onLine(text.slice(start, end), ++lineNo);
      start = nl + 1;
    }
    rest = text.slice(start);
    if (final && rest.length > 0) {
      onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest, ++lineNo);
      rest = '';
    }
  };
  for await (const chunk of sourceChunks(src)) emit(rest + dec.decode(chunk, { stream: true }), false);
  emit(rest + dec.decode(), true);
  return lineNo;
}
