// The one-call checkpoint API: `save(model, target?)` writes a Recommender (retrieval model +
// vocabulary) or a TagProfiler (tag models + vocabulary) as one safetensors file — atomically to a
// path in Node, Deno and Bun, or just returned as bytes — and `load(source)` reads bytes, a path
// or a URL and gives back whichever of the two the file holds.
import { decodeCheckpoint, type LoadOptions } from '../io/checkpoint.js';
import { readCheckpointSource } from '../io/read-source.js';
import { Recommender } from './recommender.js';
import { TagProfiler } from './tag-profiler.js';
import { TAG_CHECKPOINT_KIND } from '../io/tag-checkpoint.js';

export { readCheckpointSource };

/** Checkpoint bytes of `model`; with a path, also written atomically (temp file + rename). */
export async function save(model: Recommender | TagProfiler, target?: string): Promise<Uint8Array> {
  const bytes = model.toBytes();
  if (target !== undefined) {
    const { writeFileAtomic } = await import('../io/atomic-write.js');
    await writeFileAtomic(target, bytes);
  }
  return bytes;
}

/** A saved model: a Recommender for retrieval checkpoints, a TagProfiler for tag-profile ones. */
export async function load(source: Uint8Array | ArrayBuffer | string | URL, opts: LoadOptions = {}): Promise<Recommender | TagProfiler> {
  const { bytes, name } = await readCheckpointSource(source);
  const kind = decodeCheckpoint(bytes, name).kind;
  return kind === TAG_CHECKPOINT_KIND ? TagProfiler.fromBytes(bytes, name, opts) : Recommender.fromBytes(bytes, name, opts);
}
