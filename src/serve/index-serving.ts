// Serving a retrieval model through an IVF index (ann/): the model encodes the batch into its
// active interest vectors, the index probes and scores only the probed lists, and history
// filtering and the diversity aggregation act on the candidates. Also the checks that bind a
// saved index to the checkpoint it was built from (the item table's fingerprint).
import type { RetrievalBatch, RetrievalModel, ScoredItems } from '../models/types.js';
import type { CategoryLookup } from '../eval/categories.js';
import { noGrad } from '../autograd/tape.js';
import { IvfIndex } from '../ann/ivf-index.js';
import { decodeIvf, encodeIvf, tableFingerprint } from '../ann/ivf-format.js';

export interface IndexSearchOptions {
  topN: number;
  filterHistory?: boolean;
  diversity?: { lambda: number; categories: CategoryLookup };
  nprobe?: number;
  rerank?: number;
}

/** Top-N per user of `batch` through `index` (item indices, best first). */
export function retrieveWithIndex(model: RetrievalModel, index: IvfIndex, batch: RetrievalBatch, opts: IndexSearchOptions): ScoredItems[] {
  const { vectors, active, Q } = noGrad(() => {
    const q = model.queries(batch);
    return { vectors: Float32Array.from(q.vectors.data), active: Uint8Array.from(q.active), Q: q.vectors.shape[1] };
  });
  const exclude = opts.filterHistory
    ? Array.from({ length: batch.B }, (_, b) => {
      const h: number[] = [];
      for (let t = 0; t < batch.T; t++) if (batch.mask[b * batch.T + t]) h.push(batch.hist[b * batch.T + t]);
      return h;
    })
    : undefined;
  return index.search({ vectors, interests: Q, active }, { topN: opts.topN, nprobe: opts.nprobe, rerank: opts.rerank, exclude, diversity: opts.diversity });
}

/** Fingerprint of a model's float32 item table. */
export function modelFingerprint(model: RetrievalModel): string {
  const E = model.itemTable();
  return tableFingerprint(E.data, E.shape[0], E.shape[1]);
}

/** Index file bytes for a model's index (with the model's fingerprint). */
export function indexFileBytes(model: RetrievalModel, index: IvfIndex): Uint8Array {
  return encodeIvf(index, modelFingerprint(model));
}

/** Decode an index file for `model`: shape and fingerprint must match its item table. */
export function indexForModel(model: RetrievalModel, bytes: Uint8Array, name: string): IvfIndex {
  const E = model.itemTable();
  const index = decodeIvf(bytes, E.engine, name);
  const fp = (JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)))) as { fingerprint?: string }).fingerprint;
  if (index.dim !== E.shape[1] || index.rows !== E.shape[0]) {
    index.dispose();
    throw new Error(`${name}: the index covers ${index.rows} rows of D = ${index.dim}; the checkpoint's item table is [${E.shape}]`);
  }
  if (fp && fp !== modelFingerprint(model)) {
    index.dispose();
    throw new Error(`${name}: the index was built from another item table (fingerprint ${fp}); rebuild it for this checkpoint (mirec index)`);
  }
  return index.attachRows(E);
}
