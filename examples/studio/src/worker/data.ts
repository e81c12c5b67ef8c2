// Data in the worker: a dropped or picked file (any reader format, gzip by magic bytes, streamed
// from the Blob) or a synthetic preset, prepared under the chosen protocol, summarised for the
// page; and the optional category/title file (MovieLens movies.csv or item,category pairs).
import {
  evalCases, generateSynthetic, leaveOneOut, plantedTruth, prepareRetrieval, readEvents, readItemCategories,
  type EvalCases, type Events, type Vocabulary,
} from '../../../../src/index.js';
import type { CategorySummary, DataOptions, DataSummary, Distribution } from '../protocol.js';
import { state, type Categories, type LoadedData } from './state.js';

const MAX_TEST_USERS = 2000;

export async function loadData(source: { preset: 'tiny' | 'small' | 'medium' } | { file: Blob; name: string }, o: DataOptions): Promise<DataSummary> {
  if (state.training) throw new Error('stop training before loading other data');
  let events: Events, planted: ((vocab: Vocabulary) => Int32Array) | undefined, name: string;
  if ('preset' in source) {
    const synth = generateSynthetic(source.preset);
    events = synth.events;
    name = `synthetic '${source.preset}' preset`;
    planted = () => plantedTruth(synth, ds).cluster;
  } else {
    name = source.name;
    events = await readEvents({ stream: source.file.stream() as ReadableStream<Uint8Array>, name }, { format: (o.format || 'auto') as 'auto', strict: o.strict });
  }
  const synthetic = 'preset' in source;
  const ds = prepareRetrieval(events, {
    filter: synthetic ? false : o.filter, minItemCount: o.minItemCount, minUserCount: o.minUserCount, splitSeed: o.splitSeed,
    vocabCounts: o.protocol === 'loo' ? 'all' : 'train',
  });
  const data: LoadedData = { ds, name, format: events.format, protocol: o.protocol, cases: new Map(), read: events.summary };
  if (planted) data.planted = planted(ds.vocab);
  state.data = data;
  state.trainer = undefined;
  // A model on another catalogue cannot be trained or evaluated on this data: drop it.
  if (state.vocab && !sameVocabulary(state.vocab, ds.vocab)) {
    state.model = state.vocab = state.modelName = state.resumeBytes = undefined;
    state.version++;
  }
  if (state.categories?.file) await loadCategories(state.categories.file, state.categories.source);
  else if (state.categories && !state.categories.file) state.categories = undefined; // planted clusters of an earlier preset
  if (data.planted) {
    const C = Math.max(-1, ...data.planted) + 1;
    state.categories ??= { source: 'planted clusters', table: data.planted, names: Array.from({ length: C }, (_, c) => `cluster ${c}`), titles: new Map(), uncategorised: 0, unknownItems: 0 };
  }
  return summary(data);
}

/** Evaluation cases of the loaded data for window T (cached): comirec validation/test or leave-one-out. */
export function cases(split: 'valid' | 'test', T: number): EvalCases {
  const data = state.data!;
  const key = `${split}:${T}`;
  let c = data.cases.get(key);
  if (!c) {
    if (data.protocol === 'loo') {
      const loo = leaveOneOut(data.ds, T);
      data.cases.set(`valid:${T}`, loo.valid);
      data.cases.set(`test:${T}`, loo.test);
      c = split === 'valid' ? loo.valid : loo.test;
    } else {
      c = evalCases(data.ds, split, T);
      data.cases.set(key, c);
    }
  }
  return c;
}

function distribution(values: number[]): Distribution {
  const v = values.slice().sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { min: v[0], median: at(0.5), mean: v.reduce((a, b) => a + b, 0) / v.length, p90: at(0.9), max: v[v.length - 1] };
}

export function summary(data: LoadedData): DataSummary {
  const { ds } = data;
  const test = cases('test', 20);
  return {
    name: data.name, format: data.format,
    read: data.read,
    stats: ds.stats,
    split: { train: ds.train.length, valid: ds.valid.length, test: ds.test.length, trainPool: ds.trainPool.length, protocol: data.protocol },
    lengths: distribution(ds.sequences.map((s) => s.length)),
    testUsers: Array.from(test.users.subarray(0, MAX_TEST_USERS), (u) => ds.userIds[u]),
    categories: categorySummary(),
  };
}

export function categorySummary(): CategorySummary | null {
  const c = state.categories;
  return c ? { source: c.source, names: c.names.length, uncategorised: c.uncategorised, unknownItems: c.unknownItems, titles: c.titles.size } : null;
}

/** The vocabulary categories are mapped onto: the model's, else the data's. */
function currentVocab(): Vocabulary | undefined {
  return state.vocab ?? state.data?.ds.vocab;
}

/** Read a category/title file for the current vocabulary (kept and re-mapped when that changes). */
export async function loadCategories(file: Blob, name: string): Promise<CategorySummary> {
  const vocab = currentVocab();
  if (!vocab) throw new Error(`${name}: load data or a checkpoint first (categories are mapped onto its item ids)`);
  const c = await readItemCategories({ stream: file.stream() as ReadableStream<Uint8Array>, name }, vocab);
  if (c.names.length === 0) throw new Error(`${name}: no line names an item of the catalogue (${vocab.size - 1} items)`);
  const titles = await readTitles(file);
  const cat: Categories = { source: name, file, table: c.table, names: c.names, titles, uncategorised: c.uncategorised, unknownItems: c.unknownItems };
  state.categories = cat;
  return categorySummary()!;
}

/** Titles of a MovieLens movies.csv (`movieId,title,genres`, titles may be quoted); empty otherwise. */
async function readTitles(file: Blob): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  let stream = file.stream() as ReadableStream<Uint8Array>;
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (head[0] === 0x1f && head[1] === 0x8b) stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  const text = await new Response(stream).text();
  const lines = text.split(/\r?\n/);
  if (!/^movieId,title,genres/i.test(lines[0] ?? '')) return titles;
  for (const line of lines.slice(1)) {
    const first = line.indexOf(','), last = line.lastIndexOf(',');
    if (first < 0 || last <= first) continue;
    let title = line.slice(first + 1, last);
    if (title.startsWith('"') && title.endsWith('"')) title = title.slice(1, -1).replace(/""/g, '"');
    titles.set(line.slice(0, first), title);
  }
  return titles;
}

/** Category lookup for the current vocabulary, or undefined. */
export function categoryTable(): Int32Array | undefined {
  const c = state.categories;
  const vocab = currentVocab();
  return c && vocab && c.table.length === vocab.size ? c.table : undefined;
}

/** Same raw ids at the same indices. */
export function sameVocabulary(a: Vocabulary, b: Vocabulary): boolean {
  if (a.size !== b.size) return false;
  for (let i = 1; i < a.size; i++) if (a.raw(i) !== b.raw(i)) return false;
  return true;
}
