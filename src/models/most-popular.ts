// MostPopular (THUDM/ComiRec:src/mostpop.py; docs/model-guide.md#retrieval-baselines): the top-N items by training count.
// Item indices are assigned by descending training frequency, so this is simply 1..N — an
// acceptance check of the vocabulary as much as a baseline. It is a retrieval model like the
// others: a fixed one-column item table E[i] = −(i − 1) scored against one query vector [1], so
// the serving GEMM + top-k ranks items 1, 2, 3, … (scores 0, −1, −2, …, exact in float32 below 2²⁴).
import type { Tensor } from '../tensor.js';
import { poolTensor, tensor } from '../tensor.js';
import { Rng } from '../engine/random.js';
import { ParamStore } from '../nn/params.js';
import type { Interests, RetrievalBatch, RetrievalConfig, RetrievalModel } from './types.js';

/** MostPopular settings: only `items` matters; the rest fill the retrieval-model config. */
export type MostPopularConfig = RetrievalConfig;

export class MostPopular implements RetrievalModel {
  readonly family = 'retrieval' as const;
  readonly kind = 'MostPopular';
  readonly config: MostPopularConfig;
  /** No trainable parameters: the trainer has nothing to fit. */
  readonly params: ParamStore;
  private readonly table: Tensor;

  /** @param config `items` = rows of the item table including padding row 0 (a number is read as `items`). */
  constructor(config: number | (Partial<RetrievalConfig> & { items: number })) {
    const c = typeof config === 'number' ? { items: config } : config;
    const items = c.items;
    if (!(items >= 2)) throw new Error(`MostPopular: items = ${items}; need ≥ 2 (row 0 is padding)`);
    this.config = {
      items, dim: 1, interests: 1, seqLen: c.seqLen ?? 20, negatives: { kind: 'full' }, itemBias: false, alignment: 'left', seed: 1,
    };
    this.params = new ParamStore(new Rng(1));
    this.table = poolTensor([items, 1], Float32Array.from({ length: items }, (_, i) => 1 - i)); // [N, 1]
    this.table.name = 'most_popular.rank';
  }

  get items(): number {
    return this.config.items;
  }

  itemTable(): Tensor {
    return this.table;
  }

  /** One query [B, 1, 1] = 1 per row: every user gets the same list. */
  interests(batch: RetrievalBatch): Interests {
    return { vectors: tensor(new Float32Array(batch.B).fill(1), [batch.B, 1, 1], 'f32', this.table.engine), active: new Uint8Array(batch.B).fill(1) };
  }

  queries(batch: RetrievalBatch): Interests {
    return this.interests(batch);
  }

  loss(): Tensor {
    throw new Error('MostPopular: a counting baseline has no loss; it needs no training');
  }

  toString(): string {
    return `MostPopular(items=${this.config.items})`;
  }
}
