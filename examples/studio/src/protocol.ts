// The messages between the studio page and its Web Worker. The worker owns every piece of mirec
// state (data, model, trainer, caches); the page only sends requests and draws what comes back.
// Requests carry an id and are answered once ({ id, ok, result } or { id, error }); training
// progress arrives as unsolicited { event } messages.
import type { TrainProgress } from '../../../src/index.js';

export const MODELS = ['comirec-sa', 'comirec-dr', 'mind', 'sine', 'youtube-dnn', 'most-popular'] as const;
export type ModelName = (typeof MODELS)[number];

/** Reading and splitting options: the CLI's --format, --strict, --filter, --splitSeed, --protocol. */
export interface DataOptions {
  format: string;
  strict: boolean;
  filter: boolean;
  minItemCount: number;
  minUserCount: number;
  splitSeed: number;
  protocol: 'comirec' | 'loo';
}

/** The CLI's training options (model config and trainer). Empty numbers mean "the default". */
export interface TrainSettings {
  model: ModelName;
  dim: number;
  interests: number;
  seqLen: number;
  batch: number;
  lr?: number;
  seed: number;
  profile: 'quick' | 'paper';
  evalEvery?: number;
  patience?: number;
  maxSteps?: number;
  alignment: 'left' | 'right';
  servingRouting: 'fixed' | 'perUser';
  /** JSON object of further model settings (the CLI's --modelConfig). */
  modelConfig: string;
}

export interface Distribution { min: number; median: number; mean: number; p90: number; max: number }

export interface DataSummary {
  name: string;
  format: string;
  read: { lines: number; events: number; skipped: number; filtered: number; reasons: Record<string, number>; examples: string[] };
  stats: { users: number; items: number; events: number; droppedUsers: number; droppedItems: number; droppedEvents: number };
  split: { train: number; valid: number; test: number; trainPool: number; protocol: 'comirec' | 'loo' };
  lengths: Distribution;
  /** Raw ids of the test users that can be inspected (cut history non-empty), capped. */
  testUsers: string[];
  categories: CategorySummary | null;
}

export interface CategorySummary { source: string; names: number; uncategorised: number; unknownItems: number; titles: number }

/** The trainer's progress record (its step, loss, rate, ETA and validation score), and the studio's extras. */
export interface Progress extends Pick<TrainProgress, 'step' | 'maxSteps' | 'loss' | 'stepsPerSec' | 'etaSec' | 'valRecall50'> {
  valHitRate50?: number;
  bestRecall50: number;
  bestStep: number;
}

export interface TrainStart {
  model: string;
  threads: number;
  threadNote: string;
  evalEvery: number;
  patience: number;
  maxSteps: number;
  lr: number;
  /** MostPopular on the validation cases (the baseline line). */
  baseline: { recall50: number; hitRate50: number };
}

export interface TrainDone {
  steps: number;
  stoppedBy: string;
  message: string;
  stepsPerSec: number;
  bestRecall50: number;
  bestStep: number;
  test?: { recall50: number; hitRate50: number; recall20: number };
}

export interface ItemView { id: string; index: number; title?: string; category?: string; score?: number; hit?: boolean }

export interface InterestView {
  k: number;
  active: boolean;
  /** Weight of each history slot (aligned with InspectResult.history). */
  weights: number[];
  /** SINE: P(t | k) of the head. */
  attention?: number[];
  top: ItemView[];
  /** Map coordinates of the interest vector (when the map is computed). */
  xy?: [number, number];
  prototype?: number;
  aggregation?: number;
}

export interface InspectResult {
  user?: string;
  model: string;
  weightKind: 'attention' | 'routing' | 'assignment' | 'mean' | 'none';
  history: ItemView[];
  /** Items given but unknown to the model's vocabulary. */
  unknown: string[];
  interests: InterestView[];
  merged: ItemView[];
  heldOut: ItemView[];
  lambda: number;
  topN: number;
  hits: number;
}

export interface SweepPoint { lambda: number; recall: number; diversity: number }
export interface Sweep { n: number; users: number; lambdaMax: number; points: SweepPoint[] }

export interface MapData { coords: Float32Array; categories: Int32Array; categoryNames: string[]; explained: [number, number]; items: number }

export interface ModelInfo { model: string; description: string; items: number; trained: boolean; resumable: boolean; vocabMatchesData: boolean }

export type Request =
  | { type: 'hello' }
  | { type: 'loadData'; source: { preset: 'tiny' | 'small' | 'medium' } | { file: Blob; name: string }; options: DataOptions }
  | { type: 'loadCategories'; file: Blob; name: string }
  | { type: 'train'; settings: TrainSettings; resume: boolean }
  | { type: 'stop' }
  | { type: 'inspect'; user?: string; history?: string[]; topN: number; lambda: number }
  | { type: 'rerank'; lambda: number }
  | { type: 'sweep'; n: number; lambda?: number }
  | { type: 'map' }
  | { type: 'save' }
  | { type: 'loadCheckpoint'; file?: Blob; url?: string; name: string };

export interface Hello { backend: string; crossOriginIsolated: boolean; cores: number; threads: number; threadNote: string }

export type Event =
  | { event: 'trainStart'; start: TrainStart }
  | { event: 'progress'; progress: Progress }
  | { event: 'trainDone'; done: TrainDone; info: ModelInfo }
  | { event: 'trainError'; message: string };
