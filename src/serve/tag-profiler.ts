// Serving tag profiles: the model(s) of one `train-tags` run (UTPM trains one per task) with the
// vocabulary that maps raw ids into model ids. `profile(user, { topK, task })` gives a user's top
// tags with raw names; `toBytes`/`fromBytes` round-trip the whole thing as one checkpoint.
import type { TagModel, ProfileTag } from '../models/tag-model.js';
import { profileOf } from '../models/tag-model.js';
import type { TagTask, UserFields } from '../nn/field-batch.js';
import { decodeTagCheckpoint, encodeTagCheckpoint, type TagVocab } from '../io/tag-checkpoint.js';
import type { LoadOptions } from '../io/checkpoint.js';
import { checkOptions } from '../engine/check-options.js';

export class TagProfiler {
  constructor(readonly models: readonly TagModel[], readonly vocab: TagVocab, readonly extra: Record<string, unknown> = {}) {
    if (!models.length) throw new Error('TagProfiler: no models');
  }

  /** Tasks served, in model order (e.g. ['ctr', 'cvr']). */
  get tasks(): TagTask[] {
    return [...new Set(this.models.flatMap((m) => m.tasks))];
  }

  /**
   * Top-K tags of one user (fields in this checkpoint's ids, e.g. from `remapUserFields`) for a
   * task (default the first).
   */
  profile(user: UserFields, opts: { topK?: number; task?: TagTask } = {}): ProfileTag[] {
    checkOptions('profile options', opts, { topK: 'integer', task: 'string' });
    const task = opts.task ?? this.tasks[0];
    const model = this.models.find((m) => m.tasks.includes(task));
    if (!model) throw new Error(`TagProfiler.profile: task "${task}" is not served (have ${this.tasks.join(', ')})`);
    if (user.length !== this.vocab.fields.length) throw new Error(`TagProfiler.profile: user has ${user.length} fields, the model reads ${this.vocab.fields.length} (${this.vocab.fields.map((f) => f.name).join(', ')})`);
    return profileOf(model, user, { topK: opts.topK ?? 10, task });
  }

  toBytes(): Uint8Array {
    return encodeTagCheckpoint(this.models, this.vocab, this.extra);
  }

  /** Rebuild from checkpoint bytes; `source` labels errors (see `decodeTagCheckpoint`). */
  static fromBytes(bytes: Uint8Array, source = 'checkpoint', opts: LoadOptions = {}): TagProfiler {
    checkOptions('load options', opts, { allowNonFinite: 'boolean' });
    const ck = decodeTagCheckpoint(bytes, source, opts);
    return new TagProfiler(ck.models, ck.vocab, ck.extra);
  }
}
