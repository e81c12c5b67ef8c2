// The in-memory IVF index over an item table: k-means centroids (kmeans.ts), every item placed in
// the list of the centroid of largest inner product (or nearest: metric l2), lists stored contiguously in engine memory (positions padded
// to a multiple of 8 per list so compact panels start on a list) as float32 rows, float16 or int8
// with a per-row scale (the compact kernels of assembly/quant.ts). Search probes `nprobe` lists
// per active interest and merges by max (ivf-query.ts). Row 0 (padding) is never indexed.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../tensor.js';
import type { ScoredItems } from '../eval/merge.js';
import { assignNearest, centroidBias, type HeapRows } from './assign.js';
import { kmeans, type KMeansOptions } from './kmeans.js';
import { finishUser, IVF_STORAGES, padRows, type IvfSearchOptions, type IvfStorage, type ResidentList } from './ivf-search.js';
import { neededLists, planQuery, runQuery, type QueryVectors } from './ivf-query.js';
import { NULL_PTR, ptrAt, type Ptr } from '../engine/abi/index.js';

export interface IvfBuildOptions {
  /** Number of inverted lists (k-means centroids). */
  lists: number;
  /** Default lists probed per interest at search time (default 8). */
  nprobe?: number;
  /** Row storage (default 'f32'). */
  storage?: IvfStorage;
  /** k-means seed (default 1). */
  seed?: number;
  /** k-means iterations (default 10). */
  iterations?: number;
  /** k-means training rows per list (default 64). */
  samplePerList?: number;
  /** k-means init (default 'kmeans++'). */
  init?: KMeansOptions['init'];
  /**
   * k-means assignment and item placement: 'ip' largest inner product with the centroid (default;
   * what the search probes by, and measurably better recall on trained tables) or 'l2' nearest.
   */
  metric?: KMeansOptions['metric'];
}

/** What the build measured. */
export interface IvfBuildReport {
  trainRows: number;
  iterations: number;
  splits: number;
  trainMs: number;
  assignMs: number;
  totalMs: number;
}

/** The parts an index is made of (what the file format stores). */
export interface IvfParts {
  dim: number;
  /** Rows of the item table the ids index (padding row 0 included). */
  rows: number;
  storage: IvfStorage;
  nprobe: number;
  /** [L, D] float32. */
  centroids: Float32Array;
  /** Items per list [L]. */
  counts: Int32Array;
  /** Item ids in list order (sum of counts). */
  ids: Int32Array;
}

export class IvfIndex {
  /** Rows of the exact float32 table used by `rerank` (and the build), if attached. */
  private exact: HeapRows | null = null;
  /** Padded start position of each list [L + 1]. */
  readonly starts: Int32Array;
  private readonly listIds: Int32Array[];
  report: IvfBuildReport | null = null;

  private constructor(
    readonly engine: Engine,
    readonly dim: number,
    readonly rows: number,
    readonly storage: IvfStorage,
    /** Default lists probed per interest. */
    public nprobe: number,
    readonly centroids: Ptr,
    readonly counts: Int32Array,
    readonly ids: Int32Array,
    /** Byte pointer of the values of all lists (P = starts[L] padded positions). */
    readonly values: Ptr,
    /** Byte pointer of the f32 scales [P] (int8), else 0. */
    readonly scales: Ptr,
  ) {
    const L = counts.length;
    this.starts = new Int32Array(L + 1);
    for (let l = 0; l < L; l++) this.starts[l + 1] = this.starts[l] + padRows(counts[l]);
    this.listIds = [];
    let o = 0;
    for (let l = 0; l < L; l++) { this.listIds.push(ids.subarray(o, o + counts[l])); o += counts[l]; }
  }

  /** Number of inverted lists. */
  get lists(): number {
    return this.counts.length;
  }

  /** Items indexed. */
  get size(): number {
    return this.ids.length;
  }

  /** Bytes per stored row (values and scale; ids not counted). */
  get bytesPerRow(): number {
    return this.storage === 'f32' ? 4 * this.dim : this.storage === 'f16' ? 2 * this.dim : this.dim + 4;
  }

  /** Bytes held in engine memory (centroids and list rows) plus the ids in JS. */
  get byteLength(): number {
    return this.lists * this.dim * 4 + this.starts[this.lists] * this.bytesPerRow + this.ids.length * 4;
  }

  /**
   * Build over an item table E [N, D] (a model's itemTable() or any f32 table in engine memory):
   * k-means on a sample, then every row 1..N−1 assigned to its nearest centroid.
   */
  static build(table: Tensor | HeapRows, opts: IvfBuildOptions): IvfIndex {
    const x = heapRows(table);
    const { engine: e, dim: D } = x;
    const storage = opts.storage ?? 'f32';
    if (!IVF_STORAGES.includes(storage)) throw new Error(`IvfIndex.build: storage "${storage}"; expected ${IVF_STORAGES.join(', ')}`);
    const L = opts.lists;
    if (!Number.isInteger(L) || L < 1) throw new Error(`IvfIndex.build: lists = ${L}; expected an integer ≥ 1`);
    if (x.rows - 1 < L) throw new Error(`IvfIndex.build: ${x.rows - 1} items (row 0 is padding) for ${L} lists; use at most one list per item`);
    const bad = e.k.check_finite_f32(x.ptr, x.rows * D) as number;
    if (bad >= 0) throw new Error(`IvfIndex.build: item table holds NaN/Inf at row ${Math.floor(bad / D)}`);
    const t0 = performance.now();
    const km = kmeans(x, { k: L, seed: opts.seed, iterations: opts.iterations, samplePerCentroid: opts.samplePerList, init: opts.init, metric: opts.metric ?? 'ip', firstRow: 1 });
    const t1 = performance.now();
    const N = x.rows - 1;
    const assign = new Int32Array(N);
    const h = e.heap;
    const C = h.alloc(L * D * 4);
    const bias = h.alloc(L * 4);
    try {
      h.floats.set(km.centroids, C >>> 2);
      if ((opts.metric ?? 'ip') === 'ip') h.zero(bias, L);
      else centroidBias(e, C, L, D, bias);
      assignNearest(e, ptrAt(x.ptr, D * 4), N, D, C, L, bias, assign);
    } finally {
      h.free(C);
      h.free(bias);
    }
    const t2 = performance.now();
    // Counting sort by list, stable: ids ascending within each list.
    const counts = new Int32Array(L);
    for (let i = 0; i < N; i++) counts[assign[i]]++;
    const at = new Int32Array(L);
    for (let l = 1; l < L; l++) at[l] = at[l - 1] + counts[l - 1];
    const ids = new Int32Array(N);
    for (let i = 0; i < N; i++) ids[at[assign[i]]++] = i + 1;
    const index = IvfIndex.fromRows(x, { dim: D, rows: x.rows, storage, nprobe: opts.nprobe ?? 8, centroids: km.centroids, counts, ids });
    index.exact = x;
    index.report = { trainRows: km.sampleRows, iterations: km.iterations, splits: km.splits, trainMs: t1 - t0, assignMs: t2 - t1, totalMs: performance.now() - t0 };
    return index;
  }

  /** An index from its parts, the row values gathered from the f32 table `x` by id. */
  static fromRows(x: HeapRows, parts: IvfParts): IvfIndex {
    const index = IvfIndex.alloc(x.engine, parts);
    const e = x.engine;
    const h = e.heap;
    const P = index.starts[index.lists];
    const D = parts.dim;
    const pos = new Int32Array(P); // row id at each padded position (0 in padding)
    let o = 0;
    for (let l = 0; l < index.lists; l++) { pos.set(parts.ids.subarray(o, o + parts.counts[l]), index.starts[l]); o += parts.counts[l]; }
    const idp = h.alloc(Math.max(1, P) * 4);
    const tmp = parts.storage === 'f32' ? index.values : h.alloc(Math.max(1, P * D) * 4); // [P, D]
    try {
      h.i32.set(pos, idp >>> 2);
      e.k.gather_rows_f32(x.ptr, x.rows, idp, tmp, P, D);
      if (parts.storage === 'int8') e.k.quantize_i8_panels(tmp, P, D, index.values, index.scales);
      else if (parts.storage === 'f16') e.k.f16_panels(tmp, P, D, index.values);
    } finally {
      h.free(idp);
      if (tmp !== index.values) h.free(tmp);
    }
    return index;
  }

  /** An index with uninitialised values (the file reader fills them). */
  static alloc(e: Engine, parts: IvfParts): IvfIndex {
    const { dim: D, counts, ids, centroids } = parts;
    const L = counts.length;
    if (centroids.length !== L * D) throw new Error(`IvfIndex: ${centroids.length} centroid floats for ${L} lists of D = ${D}`);
    let total = 0;
    for (let l = 0; l < L; l++) total += counts[l];
    if (total !== ids.length) throw new Error(`IvfIndex: list counts sum to ${total} but ${ids.length} ids are given`);
    for (let i = 0; i < ids.length; i++) if (!(ids[i] >= 1 && ids[i] < parts.rows)) throw new Error(`IvfIndex: item id ${ids[i]} at position ${i} is outside 1..${parts.rows - 1}`);
    let P = 0;
    for (let l = 0; l < L; l++) P += padRows(counts[l]);
    const h = e.heap;
    const C = h.alloc(Math.max(1, L * D) * 4);
    h.floats.set(centroids, C >>> 2);
    const bytes = parts.storage === 'f32' ? P * D * 4 : parts.storage === 'f16' ? P * D * 2 : P * D;
    const values = h.alloc(Math.max(4, bytes));
    const scales = parts.storage === 'int8' ? h.alloc(Math.max(1, P) * 4) : NULL_PTR;
    return new IvfIndex(e, D, parts.rows, parts.storage, parts.nprobe, C, counts, ids, values, scales);
  }

  /** Use these float32 rows (the model's item table) for `rerank`; null detaches. */
  attachRows(table: Tensor | HeapRows | null): this {
    if (table) {
      const x = heapRows(table);
      if (x.dim !== this.dim || x.rows !== this.rows || x.engine !== this.engine) throw new Error(`IvfIndex.attachRows: table [${x.rows},${x.dim}] does not match the index [${this.rows},${this.dim}] or its engine`);
      this.exact = x;
    } else this.exact = null;
    return this;
  }

  /** List l in engine memory. */
  list(l: number): ResidentList {
    const start = this.starts[l];
    const off = this.storage === 'f32' ? start * this.dim * 4 : this.storage === 'f16' ? start * this.dim * 2 : start * this.dim;
    return { ids: this.listIds[l], values: ptrAt(this.values, off), scales: this.scales ? ptrAt(this.scales, start * 4) : NULL_PTR };
  }

  /** Per user, the candidate list of each active interest (before the merge; what shards return). */
  searchInterests(query: QueryVectors, opts: IvfSearchOptions = {}): ScoredItems[][] {
    const plan = planQuery(this.engine, this.dim, this.centroids, this.lists, query, opts, this.nprobe, this.exact !== null);
    return runQuery(this.engine, this.dim, plan, (l) => this.list(l), this.storage, opts, this.exact ?? undefined);
  }

  /** Top-N items per user, merged by max over interests (or aggregated for diversity). */
  search(query: QueryVectors, opts: IvfSearchOptions = {}): ScoredItems[] {
    const n = opts.topN ?? 10;
    return this.searchInterests(query, opts).map((lists) => finishUser(lists, n, opts.diversity));
  }

  /** The lists a query would probe (distinct, ascending): what a partitioned host must fetch. */
  probedLists(query: QueryVectors, opts: IvfSearchOptions = {}): number[] {
    return neededLists(planQuery(this.engine, this.dim, this.centroids, this.lists, query, opts, this.nprobe, true));
  }

  /** The parts of the index (centroids, counts, ids; values stay in engine memory). */
  parts(): IvfParts {
    const h = this.engine.heap;
    const C = Float32Array.from(h.floats.subarray(this.centroids >>> 2, (this.centroids >>> 2) + this.lists * this.dim));
    return { dim: this.dim, rows: this.rows, storage: this.storage, nprobe: this.nprobe, centroids: C, counts: this.counts, ids: this.ids };
  }

  /**
   * The sub-index of items lo ≤ id < hi: the same centroids (so it probes exactly like this one)
   * and only those items in each list. Shards of a catalogue are slices.
   */
  slice(lo: number, hi: number): IvfIndex {
    const keep: number[] = [];
    const counts = new Int32Array(this.lists);
    const srcPos: number[] = [];
    let o = 0;
    for (let l = 0; l < this.lists; l++) {
      for (let j = 0; j < this.counts[l]; j++) {
        const id = this.ids[o + j];
        if (id >= lo && id < hi) { keep.push(id); counts[l]++; srcPos.push(this.starts[l] + j); }
      }
      o += this.counts[l];
    }
    const out = IvfIndex.alloc(this.engine, { ...this.parts(), counts, ids: Int32Array.from(keep) });
    copyRows(this, out, srcPos);
    out.exact = this.exact;
    return out;
  }

  /** Return the engine memory. */
  dispose(): void {
    const h = this.engine.heap;
    h.free(this.centroids);
    h.free(this.values);
    if (this.scales) h.free(this.scales);
  }

  toString(): string {
    return `IvfIndex(${this.size} items, ${this.lists} lists, ${this.storage}, D=${this.dim}, nprobe=${this.nprobe}, ${(this.byteLength / 1048576).toFixed(1)}MiB)`;
  }
}

/** Copy stored rows (by padded source position, in destination order) between two indexes. */
function copyRows(src: IvfIndex, dst: IvfIndex, srcPos: number[]): void {
  const D = src.dim;
  const h = src.engine.heap;
  let k = 0;
  for (let l = 0; l < dst.lists; l++) {
    for (let j = 0; j < dst.counts[l]; j++) {
      const s = srcPos[k++];
      const d = dst.starts[l] + j;
      if (src.storage === 'f32') h.floats.copyWithin((dst.values >>> 2) + d * D, (src.values >>> 2) + s * D, (src.values >>> 2) + s * D + D);
      else {
        // Panel layout: item j, dim t at panel j >> 3, row t, lane j & 7.
        const w = src.storage === 'f16' ? 2 : 1;
        const u8 = h.u8;
        for (let t = 0; t < D; t++) {
          const so = src.values + (((s >> 3) * D * 8 + t * 8 + (s & 7)) * w);
          const dof = dst.values + (((d >> 3) * D * 8 + t * 8 + (d & 7)) * w);
          for (let b = 0; b < w; b++) u8[dof + b] = u8[so + b];
        }
        if (src.scales) h.floats[(dst.scales >>> 2) + d] = h.floats[(src.scales >>> 2) + s];
      }
    }
  }
}

function heapRows(t: Tensor | HeapRows): HeapRows {
  if ('shape' in t) {
    if (t.rank !== 2 || t.dtype !== 'f32') throw new Error(`IvfIndex: expected a 2-D f32 item table, got ${t.describe()}`);
    return { engine: t.engine, ptr: t.ptr, rows: t.shape[0], dim: t.shape[1] };
  }
  return t;
}
