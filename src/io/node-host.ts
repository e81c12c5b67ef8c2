// The Node side of the library (Node, Deno and Bun run it): node:fs as the file system of
// data/host-files.ts (whole-file reads for checkpoints, streamed gunzipped chunks for readEvents,
// atomic writes) and Node's worker_threads for threaded kernels. Installed by `mirec/node`, by
// `mirec` under the `node` export condition and by the CLI; never by the main entry.
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { openRangeFile } from './safetensors-file.js';
import { nodeFileChunks } from '../data/node-io.js';
import { setHostFiles, type HostFiles } from '../data/host-files.js';
import { setNodeWorkers } from '../engine/threads/spawn.js';
import { nodeWorkers } from '../engine/threads/node-workers.js';
import type { UrlLike } from '../engine/web-types.js';

/** HostFiles on node:fs. */
export const nodeFiles: HostFiles = {
  async readFile(path: string | UrlLike, maxBytes = Infinity): Promise<Uint8Array> {
    const p = path as string | URL;
    try {
      const size = (await stat(p)).size;
      if (size > maxBytes) throw new Error(`is ${size} bytes, more than the ${maxBytes} allowed`);
      return new Uint8Array(await readFile(p));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a checkpoint file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
    }
  },
  fileChunks: nodeFileChunks,
  writeFileAtomic,
  openRanges: openRangeFile,
};

/** Install node:fs as the library's file system and worker_threads for threads (idempotent). */
export function installNodeHost(): void {
  setHostFiles(nodeFiles);
  setNodeWorkers(nodeWorkers);
}
