// The one-call checkpoint API: `save(model, target?)` writes a Recommender (retrieval model +
// vocabulary) or a TagProfiler (tag models + vocabulary) as one safetensors file — atomically to a
// path in Node, Deno and Bun, or just returned as bytes — and `load(source)` reads bytes, a path
// or a URL and gives back whichever of the two the file holds.
import { decodeCheckpoint } from './checkpoint.js';
import { Recommender } from '../serve/recommender.js';
import { TagProfiler } from '../serve/tag-profiler.js';
import { TAG_CHECKPOINT_KIND } from '../tags/checkpoint.js';

/** Checkpoint bytes of `model`; with a path, also written atomically (temp file + rename). */
export async function save(model: Recommender | TagProfiler, target?: string): Promise<Uint8Array> {
  const bytes = model.toBytes();
  if (target !== undefined) {
    const { writeFileAtomic } = await import('./atomic-write.js');
    await writeFileAtomic(target, bytes);
  }
  return bytes;
}

/** Bytes of a checkpoint from bytes, a path (Node, Deno, Bun) or an http(s)/file URL. */
export async function readCheckpointSource(source: Uint8Array | ArrayBuffer | string | URL): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: 'checkpoint' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'checkpoint' };
  const text = String(source);
  if (source instanceof URL ? source.protocol !== 'file:' : /^(https?|blob|data):/.test(text)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`load: ${text}: HTTP ${res.status}`);
    return { bytes: new Uint8Array(await res.arrayBuffer()), name: text };
  }
  const { readFile } = await import('node:fs/promises');
  try {
    return { bytes: new Uint8Array(await readFile(source)), name: text };
  } catch (e) {
    throw new Error(`load: ${text}: ${(e as Error).message}`);
  }
}

/** A saved model: a Recommender for retrieval checkpoints, a TagProfiler for tag-profile ones. */
export async function load(source: Uint8Array | ArrayBuffer | string | URL): Promise<Recommender | TagProfiler> {
  const { bytes, name } = await readCheckpointSource(source);
  const kind = decodeCheckpoint(bytes, name).kind;
  return kind === TAG_CHECKPOINT_KIND ? TagProfiler.fromBytes(bytes, name) : Recommender.load(bytes);
}
