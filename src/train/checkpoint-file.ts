// Trainer checkpoints on disk (Node, Deno, Bun; exported by `mirec/node`): `save` writes atomically (temp file + rename, so
// a crash leaves the old or the new file, never a torn one) from views of the engine's memory, and
// `load` streams one back: header first (everything checked against the trainer), then each
// tensor read in bounded chunks straight into the engine's memory, so resuming a 1 GB checkpoint
// never holds the file in memory. The bytes are Trainer.checkpoint()'s safetensors.
import { writeFileAtomic } from '../io/atomic-write.js';
import { checkFiniteBytes, checkpointHeader, checkRowScales, type CheckpointHeader } from '../io/checkpoint.js';
import type { SafeEntry } from '../io/safetensors.js';
import { openSafetensors, READ_CHUNK_BYTES, type SafetensorsFile } from '../io/safetensors-file.js';
import type { Trainer, TrainerOptions } from './trainer.js';
import { finishResume, markDamaged, planResume, type ResumeTarget } from './trainer-state.js';

/** Write a trainer's checkpoint (with optional JSON `extra`, e.g. the vocabulary) to `path`. */
export async function saveCheckpoint(trainer: Trainer, path: string, extra: Record<string, unknown> = {}): Promise<void> {
  await writeFileAtomic(path, trainer.checkpointChunks(extra));
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  /**
   * Called with the checkpoint's header once it fits the trainer, before any tensor is read:
   * throw to refuse the file (the CLI compares the vocabulary of `mirec train --out` here).
   */
  check?: (header: CheckpointHeader) => void;
  /** Bytes per read (default 4 MiB, a multiple of 4): the only buffer a load allocates beyond the header. */
  chunkBytes?: number;
}

/**
 * Resume `trainer` from a checkpoint file written by `saveCheckpoint`; the following steps are
 * those of `trainer.resume(bytes)` and of the uninterrupted run. The header is read and checked
 * first (model kind and config, optimizer, every tensor's name, dtype, shape and place in the
 * file, the trainer state, `opts.check`): a refused file leaves the trainer untouched. The
 * tensors are then read in chunks of a few MB into the engine's memory, each chunk checked for
 * NaN/Infinity as it lands. A failure from then on (an I/O error, a file truncated or changed
 * meanwhile, a non-finite value) leaves weights that are partly from the file: the trainer then
 * refuses to train, validate or checkpoint, with the reason, until a resume completes. Run no
 * other work on the trainer's engine while this is in flight.
 */
export async function loadCheckpoint(trainer: Trainer, path: string, opts: LoadCheckpointOptions = {}): Promise<void> {
  let file: SafetensorsFile;
  try {
    file = await openSafetensors(path);
  } catch (e) {
    throw new Error(`loadCheckpoint: ${(e as Error).message.replace(/^safetensors: /, '')}`);
  }
  try {
    const header = checkpointHeader(file.header, path);
    const plan = planResume(trainer, header, path);
    opts.check?.(header);
    const chunk = opts.chunkBytes ?? READ_CHUNK_BYTES;
    if (!(Number.isSafeInteger(chunk) && chunk >= 4 && chunk % 4 === 0)) throw new Error(`loadCheckpoint: chunkBytes ${chunk}; expected a multiple of 4, ≥ 4`);
    const scratch = { bytes: null as Uint8Array | null, size: chunk };
    try {
      for (const target of plan.targets) await readTarget(file, target, scratch);
    } catch (e) {
      throw markDamaged(trainer, path, e as Error);
    }
    finishResume(trainer, plan, path);
  } finally {
    await file.close().catch(() => {});
  }
}

/** One tensor, chunk by chunk, into its destination; each chunk's values checked where they landed. */
async function readTarget(file: SafetensorsFile, t: ResumeTarget<SafeEntry>, scratch: { bytes: Uint8Array | null; size: number }): Promise<void> {
  const total = t.entry.end - t.entry.begin;
  const elem = t.entry.dtype === 'F16' ? 2 : 4;
  for (let at = 0; at < total; at += scratch.size) {
    const n = Math.min(scratch.size, total - at);
    let dest = t.view(at, n);
    const direct = dest !== null;
    if (!dest) dest = (scratch.bytes ??= new Uint8Array(scratch.size)).subarray(0, n);
    await file.read(dest, t.entry.begin + at, `tensor ${t.key}`);
    // A wasm memory that grew during the read detached the view: the bytes went nowhere.
    if (dest.byteLength !== n) throw new Error(`loadCheckpoint: ${file.path}: the engine's memory moved while ${t.key} was being read; run nothing else on this engine during a load`);
    checkFiniteBytes(t.key, t.entry, dest, at / elem, file.path);
    if (t.rowScales) checkRowScales(t.key, dest, at / 4, file.path);
    if (!direct) t.store(dest, at);
  }
}

/** Options of `keepBestAt`. */
export interface KeepBestOptions {
  /** Write only validations strictly above this Recall@50 (e.g. that of a checkpoint already at `path`). */
  above?: number;
  /** Called after each write. */
  onWrite?: (best: { step: number; recall50: number }) => void;
}

/** An `onBest` hook that keeps the best checkpoint at `path` (use with `fitAsync`). */
export function keepBestAt(path: string, extra: Record<string, unknown> = {}, opts: KeepBestOptions = {}): NonNullable<TrainerOptions['onBest']> {
  return async (best, trainer) => {
    if (opts.above !== undefined && !(best.recall50 > opts.above)) return;
    await saveCheckpoint(trainer, path, { ...extra, best });
    opts.onWrite?.(best);
  };
}
