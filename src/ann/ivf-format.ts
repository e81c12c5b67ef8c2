// The IVF index file (docs/ann-index.md): magic "MIRECIVF", a u32 header length, a JSON header,
// then three 64-byte-aligned sections: centroids (f32 [L, D]), a directory (per list: f64 byte
// offset into the data section, u32 item count, u32 block bytes) and the data section, one block
// per list (i32 ids, then int8 scales + panels, f16 panels or f32 rows). A partitioned host reads
// only the "head" (everything before the data section) and fetches list blocks by byte range.
import type { Engine } from '../engine/engine.js';
import { IvfIndex, type IvfParts } from './ivf-index.js';
import { IVF_STORAGES, padRows, type IvfStorage } from './ivf-search.js';
import type { Ptr } from '../engine/abi/index.js';

export const IVF_MAGIC = 'MIRECIVF';
export const IVF_VERSION = 1;
const ALIGN = 64;
const DIR_ENTRY = 16;
export const align = (n: number, a = ALIGN) => Math.ceil(n / a) * a;

/** The JSON header of an index file. */
export interface IvfHeader {
  format: 'mirec-ivf';
  version: number;
  dim: number;
  /** Rows of the item table the ids refer to (padding row 0 included). */
  rows: number;
  lists: number;
  /** Items indexed (sum of list counts). */
  items: number;
  storage: IvfStorage;
  nprobe: number;
  metric: 'inner-product';
  /** Fingerprint of the float32 item table the index was built from (tableFingerprint). */
  fingerprint?: string;
  /** Byte ranges [offset, length] of the sections. */
  centroids: [number, number];
  directory: [number, number];
  data: [number, number];
}

/** Header, centroids and directory: what a host needs before fetching any list. */
export interface IvfHead {
  header: IvfHeader;
  centroids: Float32Array;
  /** Per list: byte offset of its block inside the file (absolute), its item count and bytes. */
  offsets: Float64Array;
  counts: Int32Array;
  lengths: Int32Array;
}

/** Bytes of one list block of n items. */
export function blockBytes(storage: IvfStorage, n: number, D: number): number {
  const ids = align(4 * n, 16);
  const p = padRows(n);
  const body = storage === 'f32' ? n * D * 4 : storage === 'f16' ? p * D * 2 : p * 4 + p * D;
  return align(ids + body, 16);
}

/** FNV-1a over the float32 bits of a table, with its shape: binds an index to its checkpoint. */
export function tableFingerprint(values: ArrayLike<number>, rows: number, dim: number): string {
  return fingerprintText(fingerprintUpdate(fingerprintStart(rows, dim), values), rows, dim);
}

/** The fingerprint computed incrementally (rows in order, any chunking): start, update, text. */
export function fingerprintStart(rows: number, dim: number): number {
  return 0x811c9dc5 ^ rows ^ Math.imul(dim, 0x01000193);
}

export function fingerprintUpdate(h: number, values: ArrayLike<number>): number {
  const f = values instanceof Float32Array ? values : Float32Array.from(values);
  const w = new Int32Array(f.buffer, f.byteOffset, f.length);
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193);
  return h;
}

export function fingerprintText(h: number, rows: number, dim: number): string {
  return `fnv1a:${rows}x${dim}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** Where everything of an index file goes: the header and each list block's absolute offset. */
export interface IvfLayout {
  header: IvfHeader;
  /** Bytes of each list block. */
  blocks: number[];
  /** Absolute byte offset of each list block. */
  at: number[];
  /** File length. */
  total: number;
}

/** Lay out a file for these list counts (what encodeIvf and the streaming builder write). */
export function ivfLayout(meta: { dim: number; rows: number; storage: IvfStorage; nprobe: number; fingerprint?: string }, counts: ArrayLike<number>): IvfLayout {
  const { dim: D, storage, fingerprint } = meta;
  const L = counts.length;
  const blocks = Array.from(counts, (n) => blockBytes(storage, n, D));
  const items = Array.from(counts).reduce((a, b) => a + b, 0);
  const centroidsBytes = L * D * 4;
  const dataLen = blocks.reduce((a, b) => a + align(b), 0);
  let header: IvfHeader = {
    format: 'mirec-ivf', version: IVF_VERSION, dim: D, rows: meta.rows, lists: L, items, storage, nprobe: meta.nprobe,
    metric: 'inner-product', ...(fingerprint ? { fingerprint } : {}), centroids: [0, centroidsBytes], directory: [0, L * DIR_ENTRY], data: [0, dataLen],
  };
  // Offsets depend on the header's own length: lay out twice (the second pass is stable).
  for (let pass = 0; pass < 2; pass++) {
    const hl = new TextEncoder().encode(JSON.stringify(header)).length;
    const c0 = align(12 + hl);
    const d0 = align(c0 + centroidsBytes);
    const x0 = align(d0 + L * DIR_ENTRY);
    header = { ...header, centroids: [c0, centroidsBytes], directory: [d0, L * DIR_ENTRY], data: [x0, dataLen] };
  }
  const at: number[] = [];
  let off = header.data[0];
  for (const b of blocks) { at.push(off); off += align(b); }
  return { header, blocks, at, total: header.data[0] + dataLen };
}

/** The head bytes (magic, header, centroids, directory; zero padding up to the data section). */
export function encodeIvfHead(layout: IvfLayout, centroids: Float32Array, counts: ArrayLike<number>): Uint8Array {
  const { header } = layout;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(header.data[0]);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode(IVF_MAGIC), 0);
  dv.setUint32(8, json.length, true);
  out.set(json, 12);
  new Float32Array(out.buffer, header.centroids[0], centroids.length).set(centroids);
  for (let l = 0; l < header.lists; l++) {
    dv.setFloat64(header.directory[0] + l * DIR_ENTRY, layout.at[l], true);
    dv.setUint32(header.directory[0] + l * DIR_ENTRY + 8, counts[l], true);
    dv.setUint32(header.directory[0] + l * DIR_ENTRY + 12, layout.blocks[l], true);
  }
  return out;
}

/** Encode an index (values read from engine memory) into one file. */
export function encodeIvf(index: IvfIndex, fingerprint?: string): Uint8Array {
  const { dim: D, lists: L, storage } = index;
  const layout = ivfLayout({ dim: D, rows: index.rows, storage, nprobe: index.nprobe, fingerprint }, index.counts);
  const out = new Uint8Array(layout.total);
  out.set(encodeIvfHead(layout, index.parts().centroids, index.counts), 0);
  const h = index.engine.heap;
  let idAt = 0;
  for (let l = 0; l < L; l++) {
    const n = index.counts[l];
    const at = layout.at[l];
    new Int32Array(out.buffer, at, n).set(index.ids.subarray(idAt, idAt + n));
    idAt += n;
    const body = at + align(4 * n, 16);
    const r = index.list(l);
    const p = padRows(n);
    if (storage === 'f32') new Float32Array(out.buffer, body, n * D).set(h.floats.subarray(r.values >>> 2, (r.values >>> 2) + n * D));
    else if (storage === 'f16') out.set(h.u8.subarray(r.values, r.values + p * D * 2), body);
    else {
      new Float32Array(out.buffer, body, p).set(h.floats.subarray(r.scales >>> 2, (r.scales >>> 2) + p));
      out.set(h.u8.subarray(r.values, r.values + p * D), body + p * 4);
    }
  }
  return out;
}

const isInt = (v: unknown, min = 0): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Parse the head of an index file (at least `headLength(prefix)` bytes). */
export function decodeIvfHead(bytes: Uint8Array, name = 'index'): IvfHead {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== IVF_MAGIC) throw new Error(`${name}: not a mirec IVF index (magic "${IVF_MAGIC}" missing)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hl = dv.getUint32(8, true);
  if (12 + hl > bytes.length) throw new Error(`${name}: header of ${hl} bytes runs past the ${bytes.length} bytes read`);
  let header: IvfHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + hl)));
  } catch (err) {
    throw new Error(`${name}: header is not valid JSON (${(err as Error).message})`);
  }
  const bad = (field: string, want: string) => new Error(`${name}: header field "${field}" = ${JSON.stringify((header as unknown as Record<string, unknown>)[field])}; expected ${want}`);
  if (typeof header !== 'object' || header === null) throw new Error(`${name}: header is not a JSON object`);
  if (header.format !== 'mirec-ivf') throw bad('format', '"mirec-ivf"');
  if (header.version !== IVF_VERSION) throw bad('version', `${IVF_VERSION}`);
  for (const f of ['dim', 'lists', 'rows'] as const) if (!isInt(header[f], 1) || header[f] > 2 ** 31) throw bad(f, 'a positive integer');
  if (!isInt(header.items) || header.items >= header.rows) throw bad('items', `an integer below rows (${header.rows})`);
  if (!IVF_STORAGES.includes(header.storage)) throw bad('storage', IVF_STORAGES.join(' | '));
  if (!isInt(header.nprobe, 1)) throw bad('nprobe', 'a positive integer');
  const { dim: D, lists: L } = header;
  for (const f of ['centroids', 'directory', 'data'] as const) {
    const s = header[f];
    if (!Array.isArray(s) || s.length !== 2 || !isInt(s[0]) || !isInt(s[1]) || s[0] % 4 !== 0) throw bad(f, '[offset, length] (4-aligned)');
  }
  if (header.centroids[1] !== L * D * 4) throw bad('centroids', `length ${L * D * 4} (lists·dim·4)`);
  if (header.directory[1] !== L * DIR_ENTRY) throw bad('directory', `length ${L * DIR_ENTRY}`);
  const headEnd = Math.max(header.centroids[0] + header.centroids[1], header.directory[0] + header.directory[1]);
  if (headEnd > header.data[0]) throw bad('data', 'to start after the centroids and directory');
  if (bytes.length < headEnd) throw new Error(`${name}: ${bytes.length} bytes read, the head needs ${headEnd}`);
  const centroids = new Float32Array(L * D);
  for (let i = 0; i < L * D; i++) centroids[i] = dv.getFloat32(header.centroids[0] + i * 4, true);
  for (let i = 0; i < centroids.length; i++) if (!Number.isFinite(centroids[i])) throw new Error(`${name}: centroid ${Math.floor(i / D)} holds ${centroids[i]}`);
  const offsets = new Float64Array(L), counts = new Int32Array(L), lengths = new Int32Array(L);
  let items = 0;
  const [x0, xl] = header.data;
  for (let l = 0; l < L; l++) {
    const at = header.directory[0] + l * DIR_ENTRY;
    offsets[l] = dv.getFloat64(at, true);
    counts[l] = dv.getUint32(at + 8, true);
    lengths[l] = dv.getUint32(at + 12, true);
    items += counts[l];
    if (counts[l] > header.items || lengths[l] !== blockBytes(header.storage, counts[l], D) || !(offsets[l] >= x0 && offsets[l] % 16 === 0 && offsets[l] + lengths[l] <= x0 + xl)) {
      throw new Error(`${name}: directory entry of list ${l} (offset ${offsets[l]}, ${counts[l]} items, ${lengths[l]} bytes) does not fit the data section [${x0}, ${x0 + xl})`);
    }
  }
  if (items !== header.items) throw new Error(`${name}: list counts sum to ${items}, header says ${header.items} items`);
  return { header, centroids, offsets, counts, lengths };
}

/** Bytes of the head (header, centroids, directory) from the first 12 bytes of the file. */
export function headLength(prefix: Uint8Array, name = 'index'): number | null {
  if (prefix.length < 12) return null;
  const hl = new DataView(prefix.buffer, prefix.byteOffset, 12).getUint32(8, true);
  if (prefix.length < 12 + hl) return null;
  try {
    const h = JSON.parse(new TextDecoder().decode(prefix.subarray(12, 12 + hl))) as IvfHeader;
    return Array.isArray(h.data) && isInt(h.data[0]) ? h.data[0] : null;
  } catch {
    throw new Error(`${name}: header is not valid JSON`);
  }
}

/** One list block, checked: ids in range, the body as bytes ready to copy into engine memory. */
export function decodeListBlock(head: IvfHead, l: number, block: Uint8Array, name = 'index'): { ids: Int32Array; body: Uint8Array } {
  const n = head.counts[l];
  if (block.length !== head.lengths[l]) throw new Error(`${name}: list ${l}: got ${block.length} bytes, the directory says ${head.lengths[l]}`);
  const ids = new Int32Array(n);
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  for (let j = 0; j < n; j++) {
    ids[j] = dv.getInt32(j * 4, true);
    if (!(ids[j] >= 1 && ids[j] < head.header.rows)) throw new Error(`${name}: list ${l} item ${j}: id ${ids[j]} is outside 1..${head.header.rows - 1}`);
  }
  return { ids, body: block.subarray(align(4 * n, 16)) };
}

/** Copy a list body into engine memory at the given value / scale pointers (scales: int8 only). */
export function writeListBody(e: Engine, storage: IvfStorage, n: number, D: number, body: Uint8Array, values: Ptr, scales: Ptr): void {
  const h = e.heap;
  const p = padRows(n);
  // Little-endian float32 bytes go straight into linear memory (no copy per list); the float64
  // reference backend keeps its floats apart from the bytes and needs the values decoded.
  const f32 = (at: number, count: number, ptr: number) => {
    if (h.jsFloats) h.floats.set(new Float32Array(body.buffer.slice(body.byteOffset + at, body.byteOffset + at + count * 4)), ptr >>> 2);
    else h.u8.set(body.subarray(at, at + count * 4), ptr);
  };
  if (storage === 'f32') f32(0, n * D, values);
  else if (storage === 'f16') h.u8.set(body.subarray(0, p * D * 2), values);
  else {
    f32(0, p, scales);
    h.u8.set(body.subarray(p * 4, p * 4 + p * D), values);
  }
}

/** Decode a whole index file into engine memory. */
export function decodeIvf(bytes: Uint8Array, e: Engine, name = 'index'): IvfIndex {
  const head = decodeIvfHead(bytes, name);
  const { header } = head;
  const D = header.dim;
  const blocks = Array.from({ length: header.lists }, (_, l) => decodeListBlock(head, l, bytes.subarray(head.offsets[l], head.offsets[l] + head.lengths[l]), name));
  const ids = new Int32Array(header.items);
  let o = 0;
  for (const b of blocks) { ids.set(b.ids, o); o += b.ids.length; }
  const parts: IvfParts = { dim: D, rows: header.rows, storage: header.storage, nprobe: header.nprobe, centroids: head.centroids, counts: head.counts, ids };
  const index = IvfIndex.alloc(e, parts);
  blocks.forEach((b, l) => {
    const r = index.list(l);
    writeListBody(e, header.storage, b.ids.length, D, b.body, r.values, r.scales);
  });
  return index;
}
