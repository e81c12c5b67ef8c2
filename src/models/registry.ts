// Model registry: build a retrieval model (or the MostPopular ranker) from its CLI name.
import type { RetrievalConfig, RetrievalModel } from './types.js';
import { MIND, MIND_DEFAULTS } from './mind.js';
import { ComiRecDR, COMIREC_DR_DEFAULTS } from './comirec-dr.js';
import { ComiRecSA, COMIREC_SA_DEFAULTS } from './comirec-sa.js';
import { SINE, SINE_DEFAULTS } from './sine.js';
import { YouTubeDNN, YOUTUBE_DNN_DEFAULTS } from './youtube-dnn.js';
import { MostPopular } from './most-popular.js';

export const RETRIEVAL_MODELS = ['comirec-sa', 'comirec-dr', 'mind', 'sine', 'youtube-dnn', 'most-popular'] as const;
export type RetrievalModelName = (typeof RETRIEVAL_MODELS)[number];

/** CLI name of a model `kind` (as stored in checkpoints), or undefined. */
export function modelNameOfKind(kind: string): RetrievalModelName | undefined {
  const names: Record<string, RetrievalModelName> = {
    'ComiRec-SA': 'comirec-sa', 'ComiRec-DR': 'comirec-dr', MIND: 'mind', SINE: 'sine', YouTubeDNN: 'youtube-dnn', MostPopular: 'most-popular',
  };
  return Object.prototype.hasOwnProperty.call(names, kind) ? names[kind] : undefined;
}

/** Names of every config setting of a retrieval model (for checking user-given overrides). */
export function modelSettings(name: RetrievalModelName): string[] {
  const defaults: Record<RetrievalModelName, object> = {
    'comirec-sa': { ...COMIREC_SA_DEFAULTS, attentionWidth: 0 }, 'comirec-dr': COMIREC_DR_DEFAULTS, mind: MIND_DEFAULTS,
    sine: SINE_DEFAULTS, 'youtube-dnn': YOUTUBE_DNN_DEFAULTS, 'most-popular': {},
  };
  return ['items', ...Object.keys(defaults[name])];
}

/** A model by name; `config` needs at least `items`. */
export function createModel(name: string, config: Partial<RetrievalConfig> & { items: number } & Record<string, unknown>): RetrievalModel | MostPopular {
  switch (name) {
    case 'comirec-sa':
      return new ComiRecSA(config);
    case 'comirec-dr':
      return new ComiRecDR(config);
    case 'mind':
      return new MIND(config);
    case 'sine':
      return new SINE(config);
    case 'youtube-dnn':
      return new YouTubeDNN(config);
    case 'most-popular':
      return new MostPopular(config.items);
    default:
      throw new Error(`unknown model "${name}" (choose one of ${RETRIEVAL_MODELS.join(', ')})`);
  }
}
