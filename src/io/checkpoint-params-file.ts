// A checkpoint file read for serving (Node, Deno and Bun; the CLI's --checkpoint): the header and
// the `param.*` tensors only, each read from its own byte range. A training checkpoint also holds
// the optimizer's moments (twice the weights with Adam), which serving never uses, so a 1 GB
// Taobao-size checkpoint costs its 340 MB of weights instead of the whole file and a copy of it.
import { checkpointHeader, type DecodedCheckpoint } from './checkpoint.js';
import type { SafeTensor } from './safetensors.js';
import { openSafetensors } from './safetensors-file.js';

/** The checkpoint at `path` with its parameters (header checked as `decodeCheckpoint` does; `optim.*` tensors are not read). */
export async function readCheckpointParams(path: string): Promise<DecodedCheckpoint> {
  const file = await openSafetensors(path);
  try {
    const header = checkpointHeader(file.header, path);
    const tensors = new Map<string, SafeTensor>();
    for (const [name, t] of header.tensors) {
      if (!name.startsWith('param.')) continue;
      const bytes = new Uint8Array(t.end - t.begin);
      await file.read(bytes, t.begin, `tensor ${name}`);
      tensors.set(name, { dtype: t.dtype, shape: t.shape, bytes });
    }
    return { ...header, tensors };
  } finally {
    await file.close();
  }
}
