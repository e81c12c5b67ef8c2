// The common body of the counting baselines of the tag-profile protocol (PopularTags,
// HistoryTags; docs/protocols.md#tag-metrics): no parameters and no loss, scores from tag counts over the
// training rows (countTagPopularity).
import type { Tensor } from '../tensor.js';
import type { FieldBatch, FieldSpec, RowSet, TagBatch, TagTask, UserFields } from '../nn/field-batch.js';
import { defaultTagNames, profileOf, type ProfileTag, type TagModel } from './tag-model.js';

/** Counting baselines: scores that do not depend on training beyond counts. */
export abstract class CountingModel implements TagModel {
  readonly family = 'tag' as const;
  abstract readonly kind: string;
  readonly rows = 'none' as const;
  readonly params = null;
  readonly tagNames: string[];

  constructor(readonly fields: readonly FieldSpec[], readonly tasks: readonly TagTask[], protected readonly popularity: Float64Array[], tagNames?: string[]) {
    this.tagNames = defaultTagNames(popularity[0].length, tagNames);
  }

  loss(): Tensor {
    throw new Error(`${this.kind}: a counting baseline has no loss; it is fitted by counting`);
  }

  scoreRows(batch: TagBatch): Float64Array[] {
    const all = this.scoreTags(batch.users);
    const N = this.tagNames.length;
    return all.map((s) => Float64Array.from({ length: batch.B }, (_, r) => s[batch.rowUser[r] * N + batch.tags[r * batch.m]]));
  }

  abstract scoreTags(fb: FieldBatch): Float64Array[];

  profile(user: UserFields, opts: { topK?: number; task?: TagTask } = {}): ProfileTag[] {
    return profileOf(this, user, opts);
  }

  toString(): string {
    return `${this.kind}(tags=${this.tagNames.length - 1}, tasks=${this.tasks.join('+')})`;
  }
}

/** Per-task tag counts from training rows: ctr counts clicked rows, cvr converted rows. */
export function countTagPopularity(rows: RowSet, tagsOfKey: (key: number) => ArrayLike<number>, tags: number, users?: Set<number>): { ctr: Float64Array; cvr: Float64Array } {
  const ctr = new Float64Array(tags);
  const cvr = new Float64Array(tags);
  for (let r = 0; r < rows.user.length; r++) {
    if (users && !users.has(rows.user[r])) continue;
    const t = tagsOfKey(rows.key[r]);
    for (let j = 0; j < t.length; j++) {
      if (rows.click[r]) ctr[t[j]]++;
      if (rows.conversion[r]) cvr[t[j]]++;
    }
  }
  return { ctr, cvr };
}
