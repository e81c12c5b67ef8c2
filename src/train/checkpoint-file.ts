// Trainer checkpoints on disk (Node, Deno, Bun; exported by `mirec/node`): `save` writes atomically (temp file + rename, so
// a crash leaves the old or the new file, never a torn one) and `load` reads one back. Small on
// purpose: the bytes are Trainer.checkpoint()'s safetensors, so a fuller checkpoint module can
// replace these two functions without touching the trainer.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { Trainer, TrainerOptions } from './trainer.js';

/** Write a trainer's checkpoint (with optional JSON `extra`, e.g. the vocabulary) to `path`. */
export async function saveCheckpoint(trainer: Trainer, path: string, extra: Record<string, unknown> = {}): Promise<void> {
  await writeFileAtomic(path, trainer.checkpointChunks(extra));
}

/** Resume `trainer` from a checkpoint file written by `saveCheckpoint`. */
export async function loadCheckpoint(trainer: Trainer, path: string): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`loadCheckpoint: could not read ${path}: ${(e as Error).message}`);
  }
  trainer.resume(bytes, path);
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
