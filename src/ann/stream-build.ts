// The streaming IVF build, for item tables larger than engine memory (10M x 64 float32 is 2.56 GB,
// past one wasm32 memory): k-means on a seeded sample read row by row, then two passes over the
// table in chunks — (1) assign every row to its list, kept as one small integer per item, and
// (2) encode each row into its list's block through per-list buffers of a few panels — writing
// the index file by offset. Memory is the sample, one chunk, the buffers and 2-4 bytes per item.
// Same sample, kernels and layout as IvfIndex.build + encodeIvf: the file is byte-identical.
import type { Engine } from '../engine/engine.js';
import type { Ptr } from '../engine/abi/index.js';
import { assignNearest, centroidBias } from './assign.js';
import { drawKmeansSample, lloyd } from './kmeans.js';
import { IVF_STORAGES, padRows } from './ivf-search.js';
import { align, encodeIvfHead, fingerprintStart, fingerprintText, fingerprintUpdate, ivfLayout, type IvfHeader, type IvfLayout } from './ivf-format.js';
import type { IvfBuildOptions, IvfBuildReport } from './ivf-index.js';

/** A float32 item table read in row ranges (a checkpoint tensor on disk, a generator). */
export interface RowSource {
  /** A label for error messages (file and tensor). */
  name: string;
  /** Rows including the padding row 0. */
  rows: number;
  dim: number;
  /** Rows lo..hi−1 into out [(hi − lo)·dim]. */
  read(lo: number, hi: number, out: Float32Array): void | Promise<void>;
}

/** Where the index file goes: bytes at absolute offsets, in any order (the head and the last byte come first, so the file has its full length early). */
export interface ByteSink {
  write(offset: number, bytes: Uint8Array): void | Promise<void>;
}

export interface StreamBuildOptions extends IvfBuildOptions {
  /** Rows per chunk of the two passes (default 65,536). */
  chunkRows?: number;
  /** Bytes of all per-list buffers together (default 32 MiB; at least 8 rows per list). */
  bufferBytes?: number;
  /** Record the table's fingerprint in the header (default true: `recommend --index` checks it). */
  fingerprint?: boolean;
  /** Called after each chunk (and once per phase start) with rows done of the phase's total. */
  onProgress?: (phase: 'sample' | 'train' | 'assign' | 'write', done: number, total: number) => void;
}

export interface StreamBuildReport extends IvfBuildReport {
  writeMs: number;
  /** Rows buffered per list between writes. */
  bufferRows: number;
  header: IvfHeader;
  counts: Int32Array;
}

/** Build an index file from `src` into `sink`; returns what the build measured and the layout. */
export async function buildIvfStream(e: Engine, src: RowSource, sink: ByteSink, opts: StreamBuildOptions): Promise<StreamBuildReport> {
  const { rows, dim: D, name } = src;
  const storage = opts.storage ?? 'f32';
  if (!IVF_STORAGES.includes(storage)) throw new Error(`buildIvfStream: storage "${storage}"; expected ${IVF_STORAGES.join(', ')}`);
  const L = opts.lists;
  if (!Number.isInteger(L) || L < 1) throw new Error(`buildIvfStream: lists = ${L}; expected an integer ≥ 1`);
  if (!Number.isInteger(D) || D < 1 || !Number.isInteger(rows) || rows < 2) throw new Error(`${name}: table [${rows}, ${D}] has no items`);
  if (rows - 1 < L) throw new Error(`${name}: ${rows - 1} items (row 0 is padding) for ${L} lists; use at most one list per item`);
  const metric = opts.metric ?? 'ip';
  const CH = Math.max(8, Math.floor(opts.chunkRows ?? 65536));
  const progress = opts.onProgress ?? (() => {});
  const h = e.heap;
  const t0 = performance.now();
  const row0 = new Float32Array(D);
  await src.read(0, 1, row0);
  checkFinite(row0, 0, D, name);

  // k-means on the sample: the same draw as IvfIndex.build, rows read in runs of consecutive ids.
  const kopts = { k: L, seed: opts.seed, iterations: opts.iterations, samplePerCentroid: opts.samplePerList, init: opts.init, metric, firstRow: 1 };
  const { rng, sample } = drawKmeansSample(rows, kopts);
  const m = sample.length;
  progress('sample', 0, m);
  const X = h.alloc(m * D * 4); // [m, D]
  let km;
  try {
    const buf = new Float32Array(Math.min(CH, m) * D);
    for (let i = 0; i < m;) {
      let j = i + 1;
      while (j < m && j - i < CH && sample[j] === sample[j - 1] + 1) j++;
      const part = buf.subarray(0, (j - i) * D);
      await src.read(sample[i], sample[j - 1] + 1, part);
      checkFinite(part, sample[i], D, name);
      h.floats.set(part, (X >>> 2) + i * D);
      i = j;
    }
    progress('train', 0, m);
    km = lloyd(e, X, m, D, rng, kopts);
  } finally {
    h.free(X);
  }
  const t1 = performance.now();

  // Pass 1: every row's list (and the fingerprint of the whole table, rows in order).
  const N = rows - 1;
  const assign = L <= 65536 ? new Uint16Array(N) : new Int32Array(N);
  const counts = new Int32Array(L);
  let fp = fingerprintStart(rows, D);
  fp = fingerprintUpdate(fp, row0);
  const chunk = new Float32Array(Math.min(CH, N) * D);
  const got = new Int32Array(Math.min(CH, N));
  const Xc = h.alloc(Math.min(CH, N) * D * 4); // [CH, D]
  const C = h.alloc(L * D * 4); // [L, D]
  const bias = h.alloc(L * 4);
  try {
    h.floats.set(km.centroids, C >>> 2);
    if (metric === 'ip') h.zero(bias, L);
    else centroidBias(e, C, L, D, bias);
    progress('assign', 0, N);
    for (let lo = 1; lo < rows; lo += CH) {
      const n = Math.min(CH, rows - lo);
      const part = chunk.subarray(0, n * D);
      await src.read(lo, lo + n, part);
      checkFinite(part, lo, D, name);
      if (opts.fingerprint !== false) fp = fingerprintUpdate(fp, part);
      h.floats.set(part, Xc >>> 2);
      assignNearest(e, Xc, n, D, C, L, bias, got);
      for (let r = 0; r < n; r++) counts[got[r]]++;
      assign.set(got.subarray(0, n), lo - 1);
      progress('assign', lo - 1 + n, N);
    }
  } finally {
    h.free(Xc);
    h.free(C);
    h.free(bias);
  }
  const t2 = performance.now();

  // Pass 2: the head, then each row encoded into its list's block through a per-list buffer.
  progress('write', 0, N);
  const fingerprint = opts.fingerprint === false ? undefined : fingerprintText(fp, rows, D);
  const layout = ivfLayout({ dim: D, rows, storage, nprobe: opts.nprobe ?? 8, fingerprint }, counts);
  await sink.write(0, encodeIvfHead(layout, km.centroids, counts));
  if (layout.total > layout.header.data[0]) await sink.write(layout.total - 1, new Uint8Array(1)); // the file's full length
  const B = Math.max(8, Math.min(1024, Math.floor((opts.bufferBytes ?? 32 << 20) / (L * D * 4) / 8) * 8));
  const writer = new ListWriter(e, sink, layout, counts, storage, D, B, row0);
  let fp2 = fingerprintUpdate(fingerprintStart(rows, D), row0);
  try {
    for (let lo = 1; lo < rows; lo += CH) {
      const n = Math.min(CH, rows - lo);
      const part = chunk.subarray(0, n * D);
      await src.read(lo, lo + n, part);
      if (opts.fingerprint !== false) fp2 = fingerprintUpdate(fp2, part);
      for (let r = 0; r < n; r++) {
        const l = assign[lo - 1 + r];
        if (writer.push(l, lo + r, part, r)) await writer.flush(l);
      }
      progress('write', lo - 1 + n, N);
    }
    await writer.finish();
    if (fp2 !== fp) throw new Error(`${name}: the table changed between the assignment and the writing pass (fingerprints differ)`);
  } finally {
    writer.dispose();
  }
  const t3 = performance.now();
  return {
    trainRows: m, iterations: km.iterations, splits: km.splits, trainMs: t1 - t0, assignMs: t2 - t1, writeMs: t3 - t2, totalMs: t3 - t0,
    bufferRows: B, header: layout.header, counts,
  };
}

/** Per-list row buffers; a full buffer (a multiple of 8 rows) is encoded and written in place. */
class ListWriter {
  private readonly rowsBuf: Float32Array; // [L, B, D]
  private readonly idsBuf: Int32Array; // [L, B]
  private readonly fill: Int32Array;
  private readonly done: Int32Array;
  private readonly tmp: Ptr; // [B, D] f32 in engine memory
  private readonly vals: Ptr; // encoded panels
  private readonly scales: Ptr; // [B] f32

  constructor(private readonly e: Engine, private readonly sink: ByteSink, private readonly layout: IvfLayout, private readonly counts: Int32Array,
    private readonly storage: IvfBuildOptions['storage'], private readonly D: number, private readonly B: number, private readonly row0: Float32Array) {
    const L = counts.length;
    this.rowsBuf = new Float32Array(L * B * D);
    this.idsBuf = new Int32Array(L * B);
    this.fill = new Int32Array(L);
    this.done = new Int32Array(L);
    const h = e.heap;
    this.tmp = h.alloc(B * D * 4);
    this.vals = h.alloc(B * D * 4);
    this.scales = h.alloc(B * 4);
  }

  /** Row r of `rows` (item id) into list l; true when the list's buffer is full (flush it). */
  push(l: number, id: number, rows: Float32Array, r: number): boolean {
    const { B, D } = this;
    const f = this.fill[l];
    this.rowsBuf.set(rows.subarray(r * D, r * D + D), (l * B + f) * D);
    this.idsBuf[l * B + f] = id;
    this.fill[l] = f + 1;
    return f + 1 === B;
  }

  async finish(): Promise<void> {
    for (let l = 0; l < this.counts.length; l++) {
      if (this.fill[l] > 0) await this.flush(l);
      if (this.done[l] !== this.counts[l]) throw new Error(`buildIvfStream: list ${l} received ${this.done[l]} rows, pass 1 counted ${this.counts[l]} (the source changed between passes)`);
    }
  }

  async flush(l: number): Promise<void> {
    const { B, D, e, sink } = this;
    const h = e.heap;
    const n = this.fill[l];
    const done = this.done[l];
    const count = this.counts[l];
    if (done + n > count) throw new Error(`buildIvfStream: list ${l} received more rows than pass 1 counted (the source changed between passes)`);
    const at = this.layout.at[l];
    const body = at + align(4 * count, 16);
    await sink.write(at + 4 * done, new Uint8Array(this.idsBuf.buffer, l * B * 4, n * 4).slice());
    const rows = this.rowsBuf.subarray(l * B * D, (l * B + n) * D);
    if (this.storage === 'f32') {
      await sink.write(body + done * D * 4, new Uint8Array(rows.buffer, rows.byteOffset, n * D * 4).slice());
    } else {
      const p = padRows(n); // n is a multiple of 8 except in a list's last flush; padding lanes hold row 0
      h.floats.set(rows, this.tmp >>> 2);
      for (let j = n; j < p; j++) h.floats.set(this.row0, (this.tmp >>> 2) + j * D);
      if (this.storage === 'f16') {
        e.k.f16_panels(this.tmp, p, D, this.vals);
        await sink.write(body + done * D * 2, h.u8.slice(this.vals, this.vals + p * D * 2));
      } else {
        e.k.quantize_i8_panels(this.tmp, p, D, this.vals, this.scales);
        await sink.write(body + done * 4, h.u8.slice(this.scales, this.scales + p * 4));
        await sink.write(body + padRows(count) * 4 + done * D, h.u8.slice(this.vals, this.vals + p * D));
      }
    }
    this.done[l] = done + n;
    this.fill[l] = 0;
  }

  dispose(): void {
    const h = this.e.heap;
    h.free(this.tmp);
    h.free(this.vals);
    h.free(this.scales);
  }
}

function checkFinite(x: Float32Array, firstRow: number, D: number, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`${name}: row ${firstRow + Math.floor(i / D)} holds ${x[i]} (NaN/Inf) at dimension ${i % D}`);
  }
}
