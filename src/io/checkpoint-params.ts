// A checkpoint read for serving from an open safetensors file (any RangeFile): the header and the
// `param.*` tensors only, each read from its own byte range (Recommender.load of a path or URL,
// and the CLI's --checkpoint). A training checkpoint also holds the optimizer's moments (twice
// the weights with Adam), which serving never uses, so a 1 GB Taobao-size checkpoint costs its
// 340 MB of weights instead of the whole file and a copy.
import { checkpointHeader, type DecodedCheckpoint } from './checkpoint.js';
import type { SafeTensor } from './safetensors.js';
import type { SafetensorsFile } from './safetensors-ranges.js';

/**
 * The checkpoint in `file` with its parameters (header checked as `decodeCheckpoint` does;
 * `optim.*` tensors are not read), refused past `maxBytes` of parameters before any is read.
 * Closes the file.
 */
export async function readCheckpointParamsFrom(file: SafetensorsFile, maxBytes = Infinity): Promise<DecodedCheckpoint> {
  try {
    const header = checkpointHeader(file.header, file.path);
    const params = [...header.tensors].filter(([name]) => name.startsWith('param.'));
    const total = params.reduce((s, [, t]) => s + (t.end - t.begin), 0);
    if (total > maxBytes) throw new Error(`checkpoint: ${file.path}: its parameters are ${total} bytes, more than the ${maxBytes} allowed`);
    const tensors = new Map<string, SafeTensor>();
    for (const [name, t] of params) {
      const bytes = new Uint8Array(t.end - t.begin);
      await file.read(bytes, t.begin, `tensor ${name}`);
      tensors.set(name, { dtype: t.dtype, shape: t.shape, bytes });
    }
    return { ...header, tensors };
  } finally {
    await file.close();
  }
}
