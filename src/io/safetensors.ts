// safetensors codec, following the specification exactly: 8-byte little-endian header length N,
// N bytes of UTF-8 JSON ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
// {string: string}}), then one contiguous byte buffer that the offsets index completely, without
// holes or overlaps. The decoder validates everything before touching data and never reads out
// of bounds; every failure is an Error naming the file and the problem. The header is bounded
// (size, tensor count, JSON structure) before it is parsed, so a load costs a small multiple of
// the file's size.
import { checkJsonBounds } from './json-bounds.js';

export type SafeDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafeDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** Largest header accepted (the reference implementation uses 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * Most tensors a file may list. mirec checkpoints hold tens to a few hundred; the bound keeps the
 * parse of a hostile header (600k empty entries) to a scan instead of hundreds of megabytes.
 */
export const MAX_TENSORS = 20_000;

const HEADER_BOUNDS = { containers: 3 * MAX_TENSORS + 8, values: 24 * MAX_TENSORS + 4096, depth: 8 };
const MAX_RANK = 8;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  /** Raw little-endian bytes (a copy, 8-byte aligned). */
  bytes: Uint8Array;
}

export interface SafeFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** Float32 values of an F32 tensor. */
export function asFloat32(t: SafeTensor, name = 'tensor'): Float32Array {
  if (t.dtype !== 'F32') throw new Error(`safetensors: ${name} is ${t.dtype}, expected F32`);
  return new Float32Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength / 4);
}

/** Int32 values of an I32 tensor. */
export function asInt32(t: SafeTensor, name = 'tensor'): Int32Array {
  if (t.dtype !== 'I32') throw new Error(`safetensors: ${name} is ${t.dtype}, expected I32`);
  return new Int32Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength / 4);
}

/** A tensor entry from a typed array (F32 from Float32Array, I32 from Int32Array, ...). */
export function fromTyped(data: Float32Array | Float64Array | Int32Array | Uint8Array, shape: number[]): SafeTensor {
  const dtype: SafeDType = data instanceof Float32Array ? 'F32' : data instanceof Float64Array ? 'F64' : data instanceof Int32Array ? 'I32' : 'U8';
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel !== data.length) throw new Error(`safetensors: ${data.length} values do not fill shape [${shape.join(',')}]`);
  return { dtype, shape, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Serialise tensors (in the given order) and string metadata. */
export function encodeSafetensors(tensors: Map<string, SafeTensor> | [string, SafeTensor][], metadata: Record<string, string> = {}): Uint8Array {
  return concatBytes(safetensorsChunks(tensors, metadata));
}

/**
 * The same file as `encodeSafetensors`, as its header followed by each tensor's own bytes (views,
 * not copies): a writer can stream a checkpoint of a large model without a second copy of it.
 */
export function safetensorsChunks(tensors: Map<string, SafeTensor> | [string, SafeTensor][], metadata: Record<string, string> = {}): Uint8Array[] {
  const entries = tensors instanceof Map ? [...tensors.entries()] : tensors;
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error('safetensors: "__metadata__" is reserved');
    const want = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    if (t.bytes.byteLength !== want) throw new Error(`safetensors: ${name}: ${t.bytes.byteLength} bytes for ${t.dtype}[${t.shape.join(',')}] (need ${want})`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + want] };
    offset += want;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data section starts 8-byte aligned (allowed by the spec).
  const pad = (8 - (json.length % 8)) % 8;
  const head = new Uint8Array(8 + json.length + pad).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length + pad), true);
  head.set(json, 8);
  return [head, ...entries.map(([, t]) => t.bytes)];
}

/** One buffer holding `chunks` one after another. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A tensor's place in a file: dtype, shape and its bytes [begin, end) of the data section. */
export interface SafeEntry {
  dtype: SafeDType;
  shape: number[];
  begin: number;
  end: number;
}

/** A file's header, checked against the size of its data section (the tensors not yet read). */
export interface SafeHeader {
  /** Tensors in the header's order. */
  entries: Map<string, SafeEntry>;
  metadata: Record<string, string>;
  /** Bytes before the data section: 8 + the header length. */
  dataStart: number;
}

/**
 * The header length of a file of `fileBytes` bytes from its first 8 bytes, refused when it runs
 * past the end of the file or exceeds MAX_HEADER_BYTES (so a reader never allocates more).
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileBytes: number, source = 'checkpoint'): number {
  if (fileBytes < 8 || first8.byteLength < 8) throw new Error(`safetensors: ${source}: file is ${fileBytes} bytes, shorter than the 8-byte header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(fileBytes - 8)) throw new Error(`safetensors: ${source}: header length ${n} runs past the end of the file (${fileBytes} bytes)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new Error(`safetensors: ${source}: header length ${n} exceeds ${MAX_HEADER_BYTES}`);
  return Number(n);
}

/**
 * Parse and validate a header (`json`: its bytes after the length) for a data section of
 * `dataBytes`: dtypes, shapes, offsets inside the section, covering it without holes or overlaps.
 */
export function parseSafetensorsHeader(json: Uint8Array, dataBytes: number, source = 'checkpoint'): SafeHeader {
  const bad = (msg: string): never => {
    throw new Error(`safetensors: ${source}: ${msg}`);
  };
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch (e) {
    bad(`header is not valid UTF-8 (${(e as Error).message})`);
  }
  checkJsonBounds(text, HEADER_BOUNDS, `safetensors: ${source}: header`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    bad(`header is not valid JSON (${(e as Error).message})`);
  }
  text = '';
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad('header is not a JSON object');
  const count = Object.keys(header as object).length;
  if (count > MAX_TENSORS + 1) bad(`header lists ${count} entries, more than the ${MAX_TENSORS} tensors a file may hold`);
  const metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  const entries = new Map<string, SafeEntry>();
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') bad(`__metadata__.${k} is not a string`);
        // defineProperty: a key "__proto__" is just a key, never the object's prototype.
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) bad(`${name}: entry is not an object`);
    if (typeof t.dtype !== 'string' || !hasOwn(DTYPE_BYTES, t.dtype)) bad(`${name}: unknown dtype ${JSON.stringify(t.dtype)}`);
    if (!Array.isArray(t.shape) || t.shape.length > MAX_RANK || !t.shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      bad(`${name}: shape ${JSON.stringify(t.shape)} is not a list of at most ${MAX_RANK} non-negative integers`);
    }
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) bad(`${name}: data_offsets ${JSON.stringify(off)} are not two non-negative integers`);
    const [begin, end] = off as number[];
    if (begin > end || end > dataBytes) bad(`${name}: data_offsets [${begin}, ${end}] outside the ${dataBytes}-byte data section`);
    const shape = t.shape as number[];
    const dtype = t.dtype as SafeDType;
    let numel = 1;
    for (const s of shape) numel *= s;
    if (!Number.isSafeInteger(numel) || numel * DTYPE_BYTES[dtype] !== end - begin) {
      bad(`${name}: ${dtype}[${shape.join(',')}] needs ${numel * DTYPE_BYTES[dtype]} bytes but data_offsets span ${end - begin}`);
    }
    spans.push([begin, end, name]);
    entries.set(name, { dtype, shape, begin, end });
  }
  // The section must be covered exactly: sorted spans start where the previous one ended.
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin < at) bad(`${name}: data_offsets [${begin}, ${end}] overlap the previous tensor`);
    if (begin > at) bad(`${name}: a hole in the data section at bytes [${at}, ${begin})`);
    at = end;
  }
  if (at !== dataBytes) bad(`data section has ${dataBytes - at} trailing bytes no tensor indexes`);
  return { entries, metadata, dataStart: 8 + json.byteLength };
}

/** Parse and validate a safetensors file. `source` names it in errors. */
export function decodeSafetensors(bytes: Uint8Array, source = 'checkpoint'): SafeFile {
  const hlen = safetensorsHeaderLength(bytes, bytes.byteLength, source);
  const { entries, metadata } = parseSafetensorsHeader(bytes.subarray(8, 8 + hlen), bytes.byteLength - 8 - hlen, source);
  const data = bytes.subarray(8 + hlen);
  // Copy only now that the spans are known not to overlap: the copies total the data section.
  const tensors = new Map<string, SafeTensor>();
  for (const [name, { dtype, shape, begin, end }] of entries) {
    const copy = new Uint8Array(new ArrayBuffer(end - begin));
    copy.set(data.subarray(begin, end));
    tensors.set(name, { dtype, shape, bytes: copy });
  }
  return { tensors, metadata };
}
