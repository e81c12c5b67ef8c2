// A safetensors file read piece by piece from any RangeFile (data/host-files.ts; Node, Deno and
// Bun open one through `mirec/node`): the header alone, its length bounded by MAX_HEADER_BYTES
// and every offset checked against the file's size before anything else is read, then byte
// ranges straight into a caller's buffer (e.g. a view of the engine's memory), so a 1 GB
// checkpoint is never held whole in memory. Errors name the file.
import type { RangeFile } from '../data/host-files.js';
import { parseSafetensorsHeader, safetensorsHeaderLength, type SafeHeader } from './safetensors.js';

/** Bytes per read of a tensor: large enough for few system calls, small enough for a scratch buffer. */
export const READ_CHUNK_BYTES = 4 << 20;

/** An open safetensors file whose header is checked. Close it. */
export interface SafetensorsFile {
  readonly path: string;
  /** File size when opened. */
  readonly size: number;
  readonly header: SafeHeader;
  /**
   * Fill `dest` with the data section's bytes from `at` (relative to the data section): an error
   * names the file and `what` when the file ends first (truncated, or changed while being read).
   */
  read(dest: Uint8Array, at: number, what: string): Promise<void>;
  close(): Promise<void>;
}

/** Read and check the header of the safetensors file `file` (named `path` in errors); closes it on an error. */
export async function openSafetensorsRanges(file: RangeFile, path: string): Promise<SafetensorsFile> {
  try {
    const size = file.size;
    const first8 = new Uint8Array(8);
    if (size >= 8) await readExactly(file, path, first8, 0, 'the 8-byte header length');
    const hlen = safetensorsHeaderLength(first8, size, path);
    const json = new Uint8Array(hlen);
    await readExactly(file, path, json, 8, 'the header');
    const header = parseSafetensorsHeader(json, size - 8 - hlen, path);
    return {
      path, size, header,
      read: (dest, at, what) => readExactly(file, path, dest, header.dataStart + at, what),
      close: () => file.close(),
    };
  } catch (e) {
    await file.close().catch(() => {});
    throw e;
  }
}

async function readExactly(file: RangeFile, path: string, dest: Uint8Array, position: number, what: string): Promise<void> {
  let done = 0;
  while (done < dest.byteLength) {
    let n: number;
    try {
      n = await file.read(dest, done, dest.byteLength - done, position + done);
    } catch (e) {
      throw new Error(`safetensors: ${path}: reading ${what} failed at byte ${position + done}: ${(e as Error).message}`);
    }
    if (n === 0) throw new Error(`safetensors: ${path}: the file ends at byte ${position + done}, inside ${what} (truncated, or changed while being read)`);
    done += n;
  }
}
