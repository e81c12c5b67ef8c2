// PopularTags, a counting baseline of the tag-profile protocol (docs/protocols.md#tag-metrics): every user
// gets the training frequency of each tag among clicked (converted) targets.
import type { FieldBatch, FieldSpec, TagTask } from '../nn/field-batch.js';
import { CountingModel } from './counting-model.js';

/** PopularTags: every user gets the training frequency of each tag among clicked (converted) targets. */
export class PopularTags extends CountingModel {
  readonly kind = 'PopularTags';

  /** @param popularity per task, a count per tag id (index 0 ignored) */
  constructor(fields: readonly FieldSpec[], tasks: readonly TagTask[], popularity: Float64Array[], tagNames?: string[]) {
    super(fields, tasks, popularity, tagNames);
  }

  scoreTags(fb: FieldBatch): Float64Array[] {
    const N = this.tagNames.length;
    return this.popularity.map((pop) => {
      const out = new Float64Array(fb.B * N);
      for (let b = 0; b < fb.B; b++) {
        out.set(pop, b * N);
        out[b * N] = -Infinity;
      }
      return out;
    });
  }
}
