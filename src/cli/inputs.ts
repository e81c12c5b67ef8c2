// Inputs of the retrieval commands: a data file read and split under the chosen protocol (with
// its sha256 for reports), a checkpoint as a Recommender, and item categories for Diversity@N;
// every failure is a UsageError naming the flag and the file.
import { createHash } from 'node:crypto';
import { readEvents } from '../data/read-events.js';
import type { Columns } from '../data/formats.js';
import { prepareRetrieval, type SplitDataset } from '../data/protocol.js';
import { readItemCategories } from '../data/categories-file.js';
import { Recommender } from '../serve/recommender.js';
import { readCheckpointParams } from '../io/checkpoint-params-file.js';
import { UsageError, closest } from './args.js';
import type { EventFormat } from '../data/formats.js';
import { DATASETS, datasetNamed } from './datasets/catalogue.js';
import { defaultDataDir, eventsFile } from './datasets/store.js';
import type { OptionValues } from './command.js';
import type { DATA_OPTIONS } from './options.js';

/** The file and format --dataset NAME reads from the data cache. */
function cachedEvents(name: string, dir: string | undefined, format: EventFormat | 'auto' | undefined): { data: string; format: EventFormat | 'auto' } {
  const entry = datasetNamed(name);
  if (!entry) {
    const near = closest(name, DATASETS.map((d) => d.name));
    throw new UsageError(`--dataset: no dataset "${name}"${near ? ` (did you mean ${near}?)` : ''}; see mirec data list`);
  }
  try {
    return { data: eventsFile(dir ?? defaultDataDir(), entry), format: format ?? entry.events.format };
  } catch (e) {
    throw new UsageError(`--dataset ${(e as Error).message}`);
  }
}

/** The --data file, read (--format, --strict) and prepared (--filter, --split-seed, --protocol). */
export async function loadData(o: OptionValues<typeof DATA_OPTIONS>): Promise<{ ds: SplitDataset; sha256: string; source: string }> {
  if (o.dataset !== undefined) {
    if (o.data !== undefined) throw new UsageError('--data and --dataset both name the data; give one');
    return loadData({ ...o, dataset: undefined, ...cachedEvents(o.dataset, o.dataDir, o.format) });
  }
  if (o.data === undefined) throw new UsageError('--data FILE or --dataset NAME is required (an event file such as ratings.csv, or a set from `mirec data list`)');
  // One pass: the hash sees the bytes as they are read, so pipes and /dev/stdin work.
  const hash = createHash('sha256');
  const events = await readEvents(o.data, {
    format: o.format ?? 'auto', strict: !!o.strict, onWarning: undefined, maxLineBytes: o.maxLineBytes,
    columns: parseColumns(o.columns), delimiter: parseDelimiter(o.delimiter), header: o.header,
    onBytes: (c) => hash.update(c),
  }).catch((e: Error) => {
    throw new UsageError(`--data ${o.data}: ${e.message.replace(/^readEvents: /, '')}`);
  });
  if (events.summary.skipped > 0) process.stderr.write(`mirec: ${o.data}: skipped ${events.summary.skipped} malformed lines (use --strict to stop at the first)\n`);
  // Leave-one-out trains on every user: item frequencies (the index order) count all of them.
  const ds = prepareRetrieval(events, { filter: o.filter !== false, splitSeed: o.splitSeed ?? 1230, vocabCounts: o.protocol === 'loo' ? 'all' : 'train' });
  return { ds, sha256: hash.digest('hex'), source: o.data };
}

/** `--columns user=0,item=2,time=timestamp` as a column mapping (indices or header names). */
export function parseColumns(spec: string | undefined): Columns | undefined {
  if (spec === undefined) return undefined;
  const out: Record<string, string | number> = {};
  const keys = ['user', 'item', 'time', 'rating', 'category', 'behavior'];
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim(), ref = part.slice(eq + 1).trim();
    if (eq < 0 || !keys.includes(key) || ref === '') throw new UsageError(`--columns expects user=COL,item=COL[,time=COL,...] with COL a header name or 0-based index (keys: ${keys.join(', ')}), got "${part}"`);
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new UsageError(`--columns names ${key} twice`);
    out[key] = /^\d+$/.test(ref) ? Number(ref) : ref;
  }
  if (out.user === undefined || out.item === undefined) throw new UsageError('--columns needs at least user=COL and item=COL');
  return out as unknown as Columns;
}

function parseDelimiter(d: string | undefined): string | undefined {
  if (d === undefined) return undefined;
  if (d === 'tab' || d === '\\t') return '\t';
  if (d === 'space') return ' ';
  return d;
}

/** The --checkpoint file as a Recommender. */
export async function loadModel(path: string): Promise<Recommender> {
  try {
    // The parameters alone: a training checkpoint's optimizer moments are never read.
    return Recommender.fromCheckpoint(await readCheckpointParams(path), path);
  } catch (e) {
    const msg = (e as Error).message.replace(`safetensors: could not read ${path}: `, `${path}: `);
    throw new UsageError(`--checkpoint ${msg.replace(/^(Recommender\.load|checkpoint|safetensors): /, '')}`);
  }
}

/** Item categories for Diversity@N (vocabulary indices), with a note of what the file lacked. */
export async function loadCategories(path: string, ds: SplitDataset): Promise<Int32Array> {
  const c = await readItemCategories(path, ds.vocab).catch((e: Error) => {
    throw new UsageError(`--categories ${path}: ${e.message}`);
  });
  if (c.names.length === 0) throw new UsageError(`--categories ${path}: no line names an item of the dataset's catalogue`);
  process.stderr.write(`mirec: ${path}: ${c.names.length} categories; ${c.uncategorised} of ${ds.vocab.size - 1} items without one (each its own category)\n`);
  return c.table;
}
