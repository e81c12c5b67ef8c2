// `mirec/node`: the main entry with node:fs installed (paths in load, save, Recommender.save,
// readEvents and the tag datasets) plus the helpers that only make sense with a file system:
// atomic writes and trainer checkpoints on disk. Node, Deno and Bun.
import { installNodeHost } from './io/node-host.js';

installNodeHost();

export * from './index.js';
export { installNodeHost } from './io/node-host.js';
export { writeFileAtomic } from './io/atomic-write.js';
export { saveCheckpoint, loadCheckpoint, keepBestAt, type LoadCheckpointOptions, type KeepBestOptions } from './train/checkpoint-file.js';
export { safetensorsRowSource, buildIvfFile } from './ann/node-files.js';
