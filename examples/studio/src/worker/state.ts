// The worker's state: the loaded data (split, evaluation cases, categories and titles), the
// current model with its vocabulary, the trainer, and caches invalidated whenever weights change.
import type { EvalCases, MostPopular, Projection, RetrievalModel, SplitDataset, Trainer, Vocabulary } from '../../../../src/index.js';

export interface LoadedData {
  ds: SplitDataset;
  name: string;
  format: string;
  protocol: 'comirec' | 'loo';
  /** Vocabulary index → planted cluster, for synthetic presets. */
  planted?: Int32Array;
  /** What the reader kept and skipped. */
  read: { lines: number; events: number; skipped: number; filtered: number; reasons: Record<string, number>; examples: string[] };
  /** Cases per window length T (they depend on the model's seqLen). */
  cases: Map<string, EvalCases>;
}

export interface Categories {
  source: string;
  /** The file's bytes, kept so the table can be rebuilt for another vocabulary. */
  file?: Blob;
  /** Vocabulary index → category id (−1 none). */
  table: Int32Array;
  names: string[];
  /** Raw item id → title (MovieLens movies.csv). */
  titles: Map<string, string>;
  uncategorised: number;
  unknownItems: number;
}

export const state: {
  data?: LoadedData;
  model?: RetrievalModel | MostPopular;
  modelName?: string;
  vocab?: Vocabulary;
  trainer?: Trainer;
  /** Checkpoint bytes with trainer state, to resume from on the next "resume". */
  resumeBytes?: Uint8Array;
  abort?: AbortController;
  training: boolean;
  categories?: Categories;
  /** Bumped whenever the weights change: caches compare it. */
  version: number;
  projection?: { version: number; proj: Projection };
  lastInspect?: { user?: string; history: string[]; topN: number };
} = { training: false, version: 0 };

/** A model with learned vectors (MostPopular only ranks by count: no interests, no map). */
export function isRetrieval(m: RetrievalModel | MostPopular | undefined): m is RetrievalModel {
  return !!m && m.kind !== 'MostPopular';
}
