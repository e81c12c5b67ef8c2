// The one-call checkpoint API: `save(model, target?)` writes a Recommender (retrieval model +
// vocabulary) or a TagProfiler (tag models + vocabulary) as one safetensors file — atomically to a
// path in Node, Deno and Bun, or just returned as bytes — and `load(source)` reads bytes, a path
// or a URL and gives back whichever of the two the file holds; `loadRecommender` and
// `loadTagProfiler` are the typed forms that refuse the other family with a clear error.
import { decodeCheckpointHeader, type LoadOptions } from '../io/checkpoint.js';
import { readCheckpointSource, type CheckpointSource } from '../io/read-source.js';
import { hostFiles } from '../data/host-files.js';
import { checkOptions } from '../engine/check-options.js';
import { Recommender } from './recommender.js';
import { TagProfiler } from './tag-profiler.js';
import { TAG_CHECKPOINT_KIND } from '../io/tag-checkpoint.js';

export { readCheckpointSource, type CheckpointSource };

const LOAD_OPTIONS = { allowNonFinite: 'boolean' } as const;

/** Checkpoint bytes of `model`; with a path, also written atomically (temp file + rename). */
export async function save(model: Recommender | TagProfiler, target?: string): Promise<Uint8Array> {
  if (!(model instanceof Recommender || model instanceof TagProfiler)) throw new TypeError('save: the first argument must be a Recommender or a TagProfiler (wrap a trained model: new Recommender(model, data.vocab))');
  if (target !== undefined && typeof target !== 'string') throw new TypeError(`save: the target must be a file path (a string), got ${typeof target}`);
  const bytes = model.toBytes();
  if (target !== undefined) await hostFiles('save', target).writeFileAtomic(target, bytes);
  return bytes;
}

/** A saved model: a Recommender for retrieval checkpoints, a TagProfiler for tag-profile ones. */
export async function load(source: CheckpointSource, opts: LoadOptions = {}): Promise<Recommender | TagProfiler> {
  checkOptions('load options', opts, LOAD_OPTIONS);
  const { bytes, name } = await readCheckpointSource(source);
  const kind = decodeCheckpointHeader(bytes, name).kind;
  return kind === TAG_CHECKPOINT_KIND ? TagProfiler.fromBytes(bytes, name, opts) : Recommender.fromBytes(bytes, name, opts);
}

/**
 * A retrieval checkpoint (`mirec train --out`, `save(recommender)`) as a {@link Recommender}.
 *
 * ```ts
 * const rec = await loadRecommender('model.safetensors');
 * rec.recommend(['item-3', 'item-7'], { topN: 10 });
 * ```
 * @param source checkpoint bytes, a file path (Node, Deno, Bun) or a URL (file: or fetched)
 * @param opts checks on loading (as {@link load})
 * @throws Error naming the file when it holds a tag-profile checkpoint (use {@link loadTagProfiler})
 *   or is not a mirec checkpoint.
 */
export async function loadRecommender(source: CheckpointSource, opts: LoadOptions = {}): Promise<Recommender> {
  checkOptions('loadRecommender options', opts, LOAD_OPTIONS);
  const { bytes, name } = await readCheckpointSource(source);
  if (decodeCheckpointHeader(bytes, name).kind === TAG_CHECKPOINT_KIND) {
    throw new Error(`loadRecommender: ${name} holds user-tag profile models (written by \`mirec train-tags\` or save(tagProfiler)), not a retrieval model; load it with loadTagProfiler()`);
  }
  return Recommender.fromBytes(bytes, name, opts);
}

/**
 * A user-tag checkpoint (`mirec train-tags --out`, `save(profiler)`) as a {@link TagProfiler}.
 *
 * ```ts
 * const profiler = await loadTagProfiler('tags.safetensors');
 * ```
 * @param source checkpoint bytes, a file path (Node, Deno, Bun) or a URL (file: or fetched)
 * @param opts checks on loading (as {@link load})
 * @throws Error naming the file when it holds a retrieval checkpoint (use {@link loadRecommender})
 *   or is not a mirec checkpoint.
 */
export async function loadTagProfiler(source: CheckpointSource, opts: LoadOptions = {}): Promise<TagProfiler> {
  checkOptions('loadTagProfiler options', opts, LOAD_OPTIONS);
  const { bytes, name } = await readCheckpointSource(source);
  const kind = decodeCheckpointHeader(bytes, name).kind;
  if (kind !== TAG_CHECKPOINT_KIND) {
    throw new Error(`loadTagProfiler: ${name} holds a retrieval model (${kind}; written by \`mirec train\` or save(recommender)), not user-tag profile models; load it with loadRecommender()`);
  }
  return TagProfiler.fromBytes(bytes, name, opts);
}
