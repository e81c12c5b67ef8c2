// HistoryTags, a counting baseline of the tag-profile protocol (docs/protocols.md#tag-metrics): the user's
// own input-part tag counts, ties broken by training popularity.
import type { FieldBatch, FieldSpec, TagTask } from '../nn/field-batch.js';
import { CountingModel } from './counting-model.js';

/** HistoryTags: the user's own input-part tag counts (summed over the `tagFields`), ties by popularity. */
export class HistoryTags extends CountingModel {
  readonly kind = 'HistoryTags';
  private readonly tagFields: number[];

  constructor(fields: readonly FieldSpec[], tasks: readonly TagTask[], popularity: Float64Array[], tagFields: string | string[] = 'hist_tags', tagNames?: string[]) {
    super(fields, tasks, popularity, tagNames);
    this.tagFields = [tagFields].flat().map((name) => {
      const i = fields.findIndex((f) => f.name === name && f.kind === 'multi');
      if (i < 0) throw new Error(`HistoryTags: no multi-valued field "${name}" (have ${fields.map((f) => f.name).join(', ')})`);
      return i;
    });
  }

  scoreTags(fb: FieldBatch): Float64Array[] {
    const N = this.tagNames.length;
    const vs = this.tagFields.map((f) => fb.values[f] as Extract<FieldBatch['values'][number], { kind: 'multi' }>);
    return this.popularity.map((pop) => {
      // count + pop / (max pop + 1): popularity only breaks ties between equal counts.
      let max = 0;
      for (let t = 1; t < N; t++) max = Math.max(max, pop[t]);
      const out = new Float64Array(fb.B * N);
      for (let b = 0; b < fb.B; b++) {
        for (let t = 1; t < N; t++) out[b * N + t] = pop[t] / (max + 1);
        for (const v of vs) {
          for (let i = 0; i < v.n; i++) {
            const id = v.ids[b * v.n + i];
            if (id > 0 && id < N) out[b * N + id] += v.weights[b * v.n + i];
          }
        }
        out[b * N] = -Infinity;
      }
      return out;
    });
  }
}
