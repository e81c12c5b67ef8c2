// Safetensors files on Node's file system (Node, Deno and Bun; reached through `mirec/node` and
// the CLI, never the main entry): `openRangeFile` opens a regular file for reads by byte range
// (also `mirec/node`'s HostFiles.openRanges), `openSafetensors` reads and checks its header
// (safetensors-ranges.ts), after which tensors are read by range.
import { open, type FileHandle } from 'node:fs/promises';
import type { RangeFile } from '../data/host-files.js';
import type { UrlLike } from '../engine/web-types.js';
import type { SafeHeader } from './safetensors.js';
import { openSafetensorsRanges, type SafetensorsFile } from './safetensors-ranges.js';

export { READ_CHUNK_BYTES, type SafetensorsFile } from './safetensors-ranges.js';

/** A regular file opened for reads by byte range; errors say why in a few words (no such file, is a folder, permission denied). */
export async function openRangeFile(path: string | UrlLike): Promise<RangeFile> {
  let handle: FileHandle;
  try {
    handle = await open(path as string | URL, 'r');
    const st = await handle.stat().catch(async (e) => {
      await handle.close();
      throw e;
    });
    if (st.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    }
    if (!st.isFile()) {
      await handle.close();
      throw new Error('is not a regular file');
    }
    return {
      size: st.size,
      read: async (dest, offset, length, position) => (await handle.read(dest, offset, length, position)).bytesRead,
      close: () => handle.close(),
    };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a checkpoint file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
}

/** Open `path` and read and check its header only. */
export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  let file: RangeFile;
  try {
    file = await openRangeFile(path);
  } catch (e) {
    throw new Error(`safetensors: could not read ${path}: ${(e as Error).message}`);
  }
  return openSafetensorsRanges(file, path);
}

/** The checked header of the safetensors file at `path`, without reading its tensors. */
export async function readSafetensorsHeader(path: string): Promise<SafeHeader> {
  const file = await openSafetensors(path);
  await file.close();
  return file.header;
}
