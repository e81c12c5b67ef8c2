// Serving with raw ids: a trained retrieval model plus its vocabulary. `recommend(history)` takes
// and returns raw item ids (unknown ids are ignored and counted), with history filtering and the
// diversity-controlled aggregation; `save`/`load` round-trip the whole thing as one safetensors
// checkpoint (path in Node, bytes anywhere). `compact('int8' | 'f16')` makes recommend() score
// from a compact copy of the item table (compact.ts); exact float32 scoring is the default.
// `buildIndex` / `loadIndex` make it serve through an IVF index instead (index-serving.ts).
import type { RetrievalBatch, RetrievalModel } from '../models/types.js';
import { createModel, modelNameOfKind } from '../models/registry.js';
import { Vocabulary, type VocabularyJSON } from '../data/vocab.js';
import { checkFinite, decodeCheckpoint, encodeCheckpoint, loadParams, paramSourceOf, type DecodedCheckpoint, type LoadOptions } from '../io/checkpoint.js';
import { checkRetrievalConfig } from '../models/check-config.js';
import { withParamSource } from '../nn/params.js';
import { engine } from '../engine/current.js';
import { checkOptions } from '../engine/check-options.js';
import { noGrad } from '../autograd/tape.js';
import { hashString } from '../engine/random.js';
import { readCheckpointSource, readServingCheckpoint, type CheckpointSource } from '../io/read-source.js';
import { hostFiles } from '../data/host-files.js';
import { retrieve } from './retrieve.js';
import { CompactItemTable, type CompactFormat } from './compact.js';
import { IvfIndex, type IvfBuildOptions } from '../ann/ivf-index.js';
import { indexFileBytes, indexForModel, retrieveWithIndex } from './index-serving.js';

export interface RecommendOptions {
  /** List length (default 10). */
  topN?: number;
  /** Remove the history's own items (default false). */
  filterHistory?: boolean;
  /** Diversity weight λ of the controllable aggregation (needs `categories`; default 0). */
  diversity?: number;
  /** Raw item id → category, for `diversity`. */
  categories?: ReadonlyMap<string, string>;
  /**
   * Raw user id (one per history in `recommendBatch`): needed by MIND with
   * `servingRouting: 'perUser'`, whose routing logits are seeded by the id's hash; ignored otherwise.
   */
  user?: string | readonly string[];
  /**
   * Profile field ids (one list per history in `recommendBatch`) for MIND's profile head, in the
   * order and id space of the model's `profileFields` (0 = unknown).
   */
  profile?: readonly number[] | readonly (readonly number[])[];
  /** With an index: lists probed per interest (default: the index's nprobe). */
  nprobe?: number;
  /** With an index: candidates per interest re-scored from the float32 table (default 0 = off). */
  rerank?: number;
  /** Score every item exactly even when an index is set (default false). */
  exact?: boolean;
}

export interface Recommendation {
  item: string;
  score: number;
}

/** Keys of RecommendOptions, for callers without TypeScript. */
const RECOMMEND_OPTIONS = {
  topN: 'any', filterHistory: 'boolean', diversity: 'any', categories: 'object', user: 'any', profile: 'array', nprobe: 'integer', rerank: 'integer', exact: 'boolean',
} as const;

export class Recommender {
  private compactTable: CompactItemTable | null = null;
  private ivf: IvfIndex | null = null;

  constructor(readonly model: RetrievalModel, readonly vocab: Vocabulary) {
    if (!model || typeof (model as Partial<RetrievalModel>).itemTable !== 'function') throw new TypeError('Recommender: the first argument must be a retrieval model (ComiRecSA, MIND, …)');
    if (!(vocab instanceof Vocabulary)) throw new TypeError('Recommender: the second argument must be a Vocabulary (data.vocab of prepareRetrieval)');
    if (vocab.size !== model.itemTable().shape[0]) {
      throw new Error(`Recommender: vocabulary has ${vocab.size} rows but the item table has ${model.itemTable().shape[0]}`);
    }
  }

  /**
   * Serve from a compact copy of the item table: 'int8' (D + 4 bytes per item) or 'f16' (2·D),
   * instead of float32 (4·D). 'f32' drops the copy and returns to exact float32 scoring. The copy
   * is built from the current weights: call again after retraining. Returns this.
   */
  compact(format: CompactFormat | 'f32'): this {
    this.compactTable?.dispose();
    this.compactTable = format === 'f32' ? null : CompactItemTable.fromTable(this.model.itemTable(), format);
    return this;
  }

  /** The table recommend() scores from: 'f32' (default), 'int8' or 'f16'. */
  get servingTable(): CompactFormat | 'f32' {
    return this.compactTable?.format ?? 'f32';
  }

  /** Bytes of the table recommend() scans (the compact copy, or the float32 item table). */
  get servingTableBytes(): number {
    return this.compactTable?.byteLength ?? this.model.itemTable().size * 4;
  }

  /**
   * Build an IVF index over the item table (k-means with `lists` centroids; rows stored as
   * `storage`) and serve through it from now on. Returns the index (its `report` has the timings).
   */
  buildIndex(opts: IvfBuildOptions): IvfIndex {
    return this.useIndex(IvfIndex.build(this.model.itemTable(), opts)).index!;
  }

  /** Serve through this index (built for this model's item table), or null for exact scoring. */
  useIndex(index: IvfIndex | null): this {
    if (this.ivf && this.ivf !== index) this.ivf.dispose();
    this.ivf = index ? index.attachRows(this.model.itemTable()) : null;
    return this;
  }

  /** The index recommend() serves through, if any. */
  get index(): IvfIndex | null {
    return this.ivf;
  }

  /** The index as one file (docs/ann-index.md), bound to this checkpoint's item table. */
  indexBytes(): Uint8Array {
    if (!this.ivf) throw new Error('Recommender.indexBytes: no index; call buildIndex first');
    return indexFileBytes(this.model, this.ivf);
  }

  /** Write the index file atomically next to the checkpoint (Node, Deno, Bun). */
  async saveIndex(path: string): Promise<void> {
    await hostFiles('Recommender.saveIndex', path).writeFileAtomic(path, this.indexBytes());
  }

  /** Load an index file (bytes, path or URL) built for this checkpoint and serve through it. */
  async loadIndex(source: CheckpointSource): Promise<IvfIndex> {
    const { bytes, name } = await readCheckpointSource(source);
    return this.useIndex(indexForModel(this.model, bytes, typeof source === 'string' || source instanceof URL ? name : 'index (bytes)')).index!;
  }

  /** Left-aligned window of the last T known items of each history. */
  private batch(histories: readonly (readonly string[])[], user?: string | readonly string[], profile?: RecommendOptions['profile']): { batch: RetrievalBatch; unknown: number[] } {
    if (!Array.isArray(histories as unknown)) throw new Error(`recommend: histories must be an array of raw-id arrays, got ${typeof histories}`);
    histories.forEach((h: unknown, b) => {
      if (!Array.isArray(h)) {
        throw new Error(`recommend: history ${b} must be an array of raw item ids (e.g. ['12', '7']), got ${typeof h === 'string' ? `the string ${JSON.stringify(h.slice(0, 40))}; split it first` : h === null ? 'null' : typeof h}`);
      }
    });
    if (user !== undefined && typeof user !== 'string' && !Array.isArray(user)) throw new Error(`recommend: user must be a raw user id string (or one per history), got ${typeof user}`);
    const routing = (this.model.config as { servingRouting?: string }).servingRouting;
    if (routing === 'perUser' && user === undefined) {
      throw new Error(`recommend: this ${this.model.kind} model routes per user (servingRouting 'perUser'); pass the raw user id: recommend(history, { user: 'ID' })`);
    }
    const T = this.model.config.seqLen;
    const B = histories.length;
    const hist = new Int32Array(B * T), mask = new Float32Array(B * T), len = new Int32Array(B);
    const unknown: number[] = [];
    histories.forEach((h, b) => {
      const known = h.map((r) => this.vocab.index(String(r))).filter((i) => i > 0);
      unknown.push(h.length - known.length);
      if (!known.length) throw new Error(`recommend: history ${b} has no item the model knows (${h.length} ids given)`);
      const win = known.slice(-T);
      hist.set(win, b * T);
      mask.fill(1, b * T, b * T + win.length);
      len[b] = win.length;
    });
    const users = user === undefined ? undefined : typeof user === 'string' ? [user] : user;
    if (users && users.length !== B) throw new Error(`recommend: ${users.length} user ids for ${B} histories`);
    const userKeys = users ? Uint32Array.from(users, (u) => hashString(String(u))) : undefined;
    let prof: Int32Array | undefined;
    if (profile !== undefined) {
      const rows = (profile.length && Array.isArray(profile[0]) ? profile : [profile]) as readonly (readonly number[])[];
      if (rows.length !== B) throw new Error(`recommend: ${rows.length} profiles for ${B} histories`);
      prof = Int32Array.from(rows.flat());
    }
    return { batch: { B, T, hist, mask, len, userKeys, profile: prof }, unknown };
  }

  /** Top-N raw item ids with scores for one history (raw ids, oldest first). */
  recommend(history: readonly string[], opts: RecommendOptions = {}): Recommendation[] {
    return this.recommendBatch([history], opts)[0];
  }

  /** Top-N lists for many histories at once (one GEMM per chunk of users). */
  recommendBatch(histories: readonly (readonly string[])[], opts: RecommendOptions = {}): Recommendation[][] {
    checkOptions('recommend options', opts, RECOMMEND_OPTIONS);
    const topN = opts.topN ?? 10;
    if (!(Number.isSafeInteger(topN) && topN >= 1)) throw new Error(`recommend: topN must be a whole number ≥ 1, got ${JSON.stringify(topN)}`);
    if (opts.diversity !== undefined && !(typeof opts.diversity === 'number' && opts.diversity >= 0 && Number.isFinite(opts.diversity))) {
      throw new Error(`recommend: diversity must be a finite number ≥ 0, got ${JSON.stringify(opts.diversity)}`);
    }
    const { batch } = this.batch(histories, opts.user, opts.profile);
    const cats = opts.categories;
    const diversity = opts.diversity && cats
      ? { lambda: opts.diversity, categories: (i: number) => cats.get(this.vocab.raw(i)) }
      : undefined;
    if (opts.diversity && !cats) throw new Error('recommend: diversity needs a categories map (raw item id → category)');
    const lists = engine().step(() => this.ivf && !opts.exact
      ? retrieveWithIndex(this.model, this.ivf, batch, { topN, filterHistory: opts.filterHistory, diversity, nprobe: opts.nprobe, rerank: opts.rerank })
      : retrieve(this.model, batch, { topN, filterHistory: opts.filterHistory, diversity, table: this.compactTable ?? undefined }));
    return lists.map((l) => Array.from(l.ids, (id, r) => ({ item: this.vocab.raw(id), score: l.scores[r] })));
  }

  /**
   * Interest vectors of many histories at once, for offline publishing (`mirec embed-users`):
   * vectors [B·K·D] row-major and active flags [B·K] (MIND's inactive capsules are 0).
   */
  embed(histories: readonly (readonly string[])[], opts: { user?: readonly string[] } = {}): { vectors: Float32Array; active: Uint8Array; interests: number; dim: number } {
    const { batch } = this.batch(histories, opts.user);
    return engine().step(() => noGrad(() => {
      const q = this.model.queries(batch);
      const [, K, D] = q.vectors.shape;
      return { vectors: Float32Array.from(q.vectors.data), active: Uint8Array.from(q.active), interests: K, dim: D };
    }));
  }

  /** The serving interest vectors of one history: K arrays of D floats (inactive ones left out). */
  interests(history: readonly string[], opts: { user?: string; profile?: readonly number[] } = {}): Float32Array[] {
    checkOptions('interests options', opts, { user: 'string', profile: 'array' });
    const { batch } = this.batch([history], opts.user, opts.profile);
    return engine().step(() => noGrad(() => {
      const q = this.model.queries(batch);
      const [, Q, D] = q.vectors.shape;
      const v = q.vectors.data;
      return Array.from({ length: Q }, (_, k) => k).filter((k) => q.active[k]).map((k) => Float32Array.from(v.subarray(k * D, (k + 1) * D)));
    }));
  }

  /** One safetensors checkpoint: weights, config, vocabulary. */
  toBytes(): Uint8Array {
    return encodeCheckpoint({ kind: this.model.kind, config: this.model.config, params: this.model.params, extra: { vocab: this.vocab.toJSON() } });
  }

  /** Write atomically to a path (Node, Deno, Bun). */
  async save(path: string): Promise<void> {
    await hostFiles('Recommender.save', path).writeFileAtomic(path, this.toBytes());
  }

  /**
   * Rebuild from checkpoint bytes, a path (Node, Deno, Bun) or a URL (fetch; file: URLs read from
   * disk). A path is read by byte range, the weights only: a training checkpoint's optimizer state
   * is never read.
   */
  static async load(source: CheckpointSource, opts: LoadOptions & { index?: CheckpointSource } = {}): Promise<Recommender> {
    checkOptions('load options', opts, { allowNonFinite: 'boolean', index: 'any' });
    const { checkpoint, name } = await readServingCheckpoint(source);
    const rec = Recommender.fromCheckpoint(checkpoint, name, opts);
    if (opts.index !== undefined) await rec.loadIndex(opts.index);
    return rec;
  }

  /**
   * Rebuild from checkpoint bytes; `name` labels error messages. Nothing in the file is trusted:
   * the config is checked field by field and against the tensors before the model is built (so
   * its sizes are the file's, never more), the vocabulary entry by entry, and NaN / ±Infinity
   * weights are refused naming the tensor unless `opts.allowNonFinite`.
   */
  static fromBytes(bytes: Uint8Array, name = 'checkpoint', opts: LoadOptions = {}): Recommender {
    // `index` is Recommender.load's, passed through.
    checkOptions('load options', opts, { allowNonFinite: 'boolean', index: 'any' });
    return Recommender.fromCheckpoint(decodeCheckpoint(bytes, name), name, opts);
  }

  /**
   * As `fromBytes`, from a checkpoint already decoded; only its `param.*` tensors are used, so
   * a reader may leave the optimizer's out (the CLI reads a file's parameters alone).
   */
  static fromCheckpoint(ck: DecodedCheckpoint, name = 'checkpoint', opts: LoadOptions = {}): Recommender {
    const kind = modelNameOfKind(ck.kind);
    if (!kind || kind === 'most-popular') throw new Error(`Recommender.load: ${name} holds a ${JSON.stringify(ck.kind)} model, which is not a retrieval model`);
    const config = checkRetrievalConfig(kind, ck.config, `Recommender.load: ${name}: config`);
    const vocabJson = (ck.extra as { vocab?: VocabularyJSON }).vocab;
    if (vocabJson === undefined) throw new Error(`Recommender.load: ${name} has no vocabulary; it cannot map raw ids`);
    const vocab = Vocabulary.fromJSON(vocabJson, `${name}: extra.vocab`);
    if (vocab.size !== config.items) throw new Error(`Recommender.load: ${name}: the vocabulary has ${vocab.size} rows (padding included), config.items says ${config.items}`);
    checkFinite(ck, name, opts);
    let model: RetrievalModel;
    try {
      model = withParamSource(paramSourceOf(ck, name), () => createModel(kind, config)) as RetrievalModel;
    } catch (e) {
      // The model's own config checks (enumerations, ranges) name the file too.
      throw new Error(`Recommender.load: ${name}: config: ${(e as Error).message}`);
    }
    loadParams(ck, model.params, name);
    return new Recommender(model, vocab);
  }
}
