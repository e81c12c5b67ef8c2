// The checkpoint at a path on Node's file system (Node, Deno and Bun; the CLI's --checkpoint),
// read for serving: its header and `param.*` tensors only (checkpoint-params.ts).
import type { DecodedCheckpoint } from './checkpoint.js';
import { readCheckpointParamsFrom } from './checkpoint-params.js';
import { openSafetensors } from './safetensors-file.js';

/** The checkpoint at `path` with its parameters (`optim.*` tensors are not read). */
export async function readCheckpointParams(path: string): Promise<DecodedCheckpoint> {
  return readCheckpointParamsFrom(await openSafetensors(path));
}
