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

async function* tap(chunks: AsyncIterable<Uint8Array>, onBytes?: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) { onBytes?.(c); yield c; }
}

/** Raw byte chunks of a source, gzip already removed; `onBytes` sees the bytes as stored. */
export async function* sourceChunks(src: DataSource, onBytes?: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  const name = sourceName(src);
  if (typeof src === 'string' || isUrlObject(src)) { yield* hostFiles('readEvents', src).fileChunks(src, name, onBytes); return; }
  let raw: AsyncIterable<Uint8Array>;
  if (src instanceof Uint8Array) raw = (async function* () { yield src; })();
  else if (isReadableStream(src)) raw = streamChunks(src);
  else if ('text' in src) { const b = new TextEncoder().encode(src.text); onBytes?.(b); yield b; return; }
  else if ('bytes' in src) { const b = src.bytes; raw = (async function* () { yield b; })(); }
  else raw = streamChunks(src.stream);
  const it = raw[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return;
  const all = tap(prepend(first.value, it), onBytes);
  if (isGzip(first.value)) yield* gunzip(all, name); else yield* all;
}

/** Longest line accepted by default (16 MiB): far above any real interaction line. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface LineOptions {
  /** Longest line in bytes (default 16 MiB); a longer one is an error naming the file and line. */
  maxLineBytes?: number;
  /** Label for messages (default `sourceName(src)`). */
  name?: string;
  /** Called with every raw byte chunk as read (before gunzip), e.g. to hash the file in the same pass. */
  onBytes?: (chunk: Uint8Array) => void;
}

/**
 * Escape what a terminal would interpret (C0/C1 controls, DEL, U+FFFD from undecodable bytes,
 * lone surrogates) and cut to `max` characters, so a message quoting file content never writes
 * raw escape sequences to the user's terminal.
 */
export function printable(text: string, max = 80): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const out = cut.replace(/[\u0000-\u001f\u007f-\u009f\ufffd\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > max ? `${out}…` : out;
}

/** Where the first invalid UTF-8 sequence of `bytes` starts (−1 if none). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    for (let k = 1; k < n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    const b1 = bytes[i + 1];
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 >= 0xa0) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 >= 0x90)) return i;
    i += n;
  }
  return -1;
}

/**
 * Call `onLine(line, lineNo)` for every line (1-based numbers, '\r\n' handled, a final line
 * without newline included). Cost is linear in the input whatever the line lengths: lines are
 * found in the raw bytes, a partial line is kept as a list of pieces joined once, and each run of
 * complete lines is decoded once. Memory stays at one chunk plus one partial line, bounded by
 * `maxLineBytes`. Invalid UTF-8 is an error naming the file and line (ids are never silently
 * merged into U+FFFD).
 */
export async function forEachLine(src: DataSource, onLine: (line: string, lineNo: number) => void, opts: LineOptions = {}): Promise<number> {
  const name = opts.name ?? sourceName(src);
  const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!(Number.isSafeInteger(max) && max >= 1)) throw new Error(`forEachLine: maxLineBytes must be a whole number ≥ 1, got ${max}`);
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNo = 0;
  const tooLong = (no: number, _bytes: number): never => {
    throw new Error(`${name} line ${no}: line is longer than ${max} bytes; raise the limit (maxLineBytes, --max-line-bytes) if the file is right`);
  };
  // Decode a run of whole lines (it ends at a newline, so at a character boundary) and emit them.
  const emitRun = (run: Uint8Array): void => {
    let text: string;
    try {
      text = dec.decode(run);
    } catch {
      const at = Math.max(0, firstInvalidUtf8(run));
      let no = lineNo + 1;
      for (let i = 0; i < at; i++) if (run[i] === 10) no++;
      const lineStart = run.lastIndexOf(10, at - 1) + 1;
      throw new Error(`${name} line ${no}: invalid UTF-8 (byte 0x${run[at].toString(16).padStart(2, '0')} at byte ${at - lineStart + 1} of the line); convert the file to UTF-8`);
    }
    // A run holds one more line than it has newlines (the last may be empty).
    let start = lineNo === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      let end = nl < 0 ? text.length : nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      onLine(text.slice(start, end), ++lineNo);
      if (nl < 0) break;
      start = nl + 1;
    }
  };
  const join = (tail: Uint8Array): Uint8Array => {
    if (!pending.length) return tail;
    const out = new Uint8Array(pendingBytes + tail.length);
    let at = 0;
    for (const p of pending) { out.set(p, at); at += p.length; }
    out.set(tail, at);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  for await (const chunk of sourceChunks(src, opts.onBytes)) {
    const last = chunk.lastIndexOf(10);
    if (last < 0) {
      pendingBytes += chunk.length;
      if (pendingBytes > max) tooLong(lineNo + 1, pendingBytes);
      pending.push(chunk);
      continue;
    }
    // Line lengths inside this chunk (the first one continues the pending piece).
    let from = 0, extra = pendingBytes, no = lineNo;
    for (let nl = chunk.indexOf(10); nl >= 0 && nl <= last; nl = chunk.indexOf(10, from)) {
      no++;
      if (nl - from + extra > max) tooLong(no, nl - from + extra);
      extra = 0;
      from = nl + 1;
    }
    emitRun(join(chunk.subarray(0, last)));
    const tail = chunk.subarray(last + 1);
    if (tail.length > max) tooLong(lineNo + 1, tail.length);
    if (tail.length) { pending.push(tail.slice()); pendingBytes = tail.length; }
  }
  if (pendingBytes > 0) emitRun(join(new Uint8Array(0)));
  return lineNo;
}
