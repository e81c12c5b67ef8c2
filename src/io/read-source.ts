// Where checkpoint bytes come from: bytes as given, an http(s)/blob/data URL through fetch
// (browsers, Workers, Deno, Bun, Node), or a path / file: URL (object or `file:///…` string)
// through the installed file system (data/host-files.ts: `mirec/node` in Node, Deno, Bun). In a
// page without one, a relative path is a URL of the page. Errors name the path or URL as given;
// a fetched body is refused past `maxBytes` before it is buffered.
import type { UrlLike } from '../engine/web-types.js';
import { hasHostFiles, hostFiles } from '../data/host-files.js';
import { decodeCheckpoint, type DecodedCheckpoint } from './checkpoint.js';
import { readCheckpointParamsFrom } from './checkpoint-params.js';
import { openSafetensorsRanges } from './safetensors-ranges.js';
import { openHttpRanges } from './http-range-file.js';

/** Largest checkpoint read by default (4 GiB: a 16M-item × 64-dim table is 4 GB of float32). */
export const MAX_CHECKPOINT_BYTES = 2 ** 32;

/** Anything a checkpoint can be loaded from: bytes, a path (Node, Deno, Bun) or a URL. */
export type CheckpointSource = Uint8Array | ArrayBuffer | string | UrlLike;

const isUrlObject = (s: unknown): s is UrlLike =>
  typeof s === 'object' && s !== null && typeof (s as UrlLike).href === 'string' && typeof (s as UrlLike).protocol === 'string';

/** Bytes of a checkpoint from bytes, a path (Node, Deno, Bun) or an http(s)/file URL. */
export async function readCheckpointSource(source: CheckpointSource, maxBytes = MAX_CHECKPOINT_BYTES): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: 'checkpoint (bytes)' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'checkpoint (bytes)' };
  if (typeof source !== 'string' && !isUrlObject(source)) {
    throw new Error(`load: expected checkpoint bytes, a path or a URL, got ${source === null ? 'null' : typeof source}`);
  }
  const text = isUrlObject(source) ? source.href : source;
  if (text === '') throw new Error('load: the checkpoint path is empty');
  if (isUrlObject(source) ? source.protocol !== 'file:' : /^(https?|blob|data):/i.test(text)) return fetchBytes(text, maxBytes);
  if (!hasHostFiles()) {
    // No file system (browser page): a relative path is a URL of the page.
    const base = (globalThis as { location?: { href: string } }).location?.href;
    if (base && !isUrlObject(source) && !/^file:/i.test(text)) return readCheckpointSource(new URL(text, base), maxBytes);
  }
  const files = hostFiles('load', text);
  // A `file:` string is a file URL (percent-escapes decoded), not a relative path named "file:".
  const path: string | UrlLike = isUrlObject(source) ? source : /^file:/i.test(text) ? new URL(text) : text;
  try {
    return { bytes: await files.readFile(path, maxBytes), name: text };
  } catch (e) {
    throw new Error(`load: ${text}: ${(e as Error).message}`);
  }
}

/** A fetch's transport error as load's error naming the URL. */
function fetchFailed(text: string, e: unknown): never {
  const cause = (e as { cause?: { message?: string; code?: string } }).cause;
  throw new Error(`load: ${text}: fetch failed (${cause?.code ?? cause?.message ?? (e as Error).message})`);
}

async function fetchBytes(text: string, maxBytes: number): Promise<{ bytes: Uint8Array; name: string }> {
  let res: Response;
  try {
    res = await fetch(text);
  } catch (e) {
    fetchFailed(text, e);
  }
  return bodyBytes(res, text, maxBytes);
}

/** The whole body of a fetched checkpoint, refused past `maxBytes` before it is all buffered. */
async function bodyBytes(res: Response, text: string, maxBytes: number): Promise<{ bytes: Uint8Array; name: string }> {
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

/**
 * A checkpoint to serve from any source: a path (or file: URL) on a host with a file system is
 * read by byte range, its header and `param.*` tensors only (a training checkpoint's optimizer
 * moments, twice the weights with Adam, are never read), and so is an http(s) URL whose server
 * answers Range requests (http-range-file.ts); bytes, other URLs and servers that send the whole
 * file are decoded whole. Refused past `maxBytes` (of parameters, when read by range) before the
 * weights are read.
 */
export async function readServingCheckpoint(source: CheckpointSource, maxBytes = MAX_CHECKPOINT_BYTES): Promise<{ checkpoint: DecodedCheckpoint; name: string }> {
  const url = httpUrlOf(source);
  if (url !== null) {
    const first = await openHttpRanges(url, (e) => fetchFailed(url, e));
    if ('whole' in first) {
      const { bytes } = await bodyBytes(first.whole, url, maxBytes);
      return { checkpoint: decodeCheckpoint(bytes, url), name: url };
    }
    return { checkpoint: await readCheckpointParamsFrom(await openSafetensorsRanges(first.ranges, url), maxBytes), name: url };
  }
  const path = hostPathOf(source);
  if (path === null) {
    const { bytes, name } = await readCheckpointSource(source, maxBytes);
    return { checkpoint: decodeCheckpoint(bytes, name), name };
  }
  const text = isUrlObject(source) ? source.href : (source as string);
  let file;
  try {
    file = await openSafetensorsRanges(await hostFiles('load', text).openRanges(path), text);
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.includes(text) ? msg : `load: ${text}: ${msg}`);
  }
  return { checkpoint: await readCheckpointParamsFrom(file, maxBytes), name: text };
}

/** The http(s) URL `source` names, or null. */
function httpUrlOf(source: CheckpointSource): string | null {
  const text = isUrlObject(source) ? source.href : typeof source === 'string' ? source : '';
  return /^https?:/i.test(text) ? text : null;
}

/** The path (or file: URL) that `source` names on this host's file system, or null (bytes, a fetched URL, no file system). */
function hostPathOf(source: CheckpointSource): string | UrlLike | null {
  if (!hasHostFiles()) return null;
  if (isUrlObject(source)) return source.protocol === 'file:' ? source : null;
  if (typeof source !== 'string' || source === '' || /^(https?|blob|data):/i.test(source)) return null;
  return /^file:/i.test(source) ? new URL(source) : source;
}
