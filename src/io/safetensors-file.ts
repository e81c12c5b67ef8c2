// A safetensors file read piece by piece (Node, Deno and Bun; reached through `mirec/node` and the
// CLI, never the main entry): the header alone, its length bounded by MAX_HEADER_BYTES and every
// offset checked against the size `stat` gives before anything else is read, then byte ranges
// straight into a caller's buffer (e.g. a view of the engine's memory), so a 1 GB checkpoint is
// never held whole in memory. Errors name the file.
import { open, type FileHandle } from 'node:fs/promises';
import { parseSafetensorsHeader, safetensorsHeaderLength, type SafeHeader } from './safetensors.js';

/** Bytes per read of a tensor: large enough for few system calls, small enough for a scratch buffer. */
export const READ_CHUNK_BYTES = 4 << 20;

/** An open safetensors file whose header is checked. Close it. */
export interface SafetensorsFile {
  readonly path: string;
  /** File size from `stat` when opened. */
  readonly size: number;
  readonly header: SafeHeader;
  /**
   * Fill `dest` with the data section's bytes from `at` (relative to the data section): an error
   * names the file and `what` when the file ends first (truncated, or changed while being read).
   */
  read(dest: Uint8Array, at: number, what: string): Promise<void>;
  close(): Promise<void>;
}

/** Open `path` and read and check its header only. */
export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new Error(`safetensors: could not read ${path}: ${(e as Error).message}`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error(`safetensors: ${path} is not a regular file`);
    const size = st.size;
    const first8 = new Uint8Array(8);
    if (size >= 8) await readExactly(handle, path, first8, 0, 'the 8-byte header length');
    const hlen = safetensorsHeaderLength(first8, size, path);
    const json = new Uint8Array(hlen);
    await readExactly(handle, path, json, 8, 'the header');
    const header = parseSafetensorsHeader(json, size - 8 - hlen, path);
    return {
      path, size, header,
      read: (dest, at, what) => readExactly(handle, path, dest, header.dataStart + at, what),
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close().catch(() => {});
    throw e;
  }
}

/** The checked header of the safetensors file at `path`, without reading its tensors. */
export async function readSafetensorsHeader(path: string): Promise<SafeHeader> {
  const file = await openSafetensors(path);
  await file.close();
  return file.header;
}

async function readExactly(handle: FileHandle, path: string, dest: Uint8Array, position: number, what: string): Promise<void> {
  let done = 0;
  while (done < dest.byteLength) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(dest, done, dest.byteLength - done, position + done));
    } catch (e) {
      throw new Error(`safetensors: ${path}: reading ${what} failed at byte ${position + done}: ${(e as Error).message}`);
    }
    if (n === 0) throw new Error(`safetensors: ${path}: the file ends at byte ${position + done}, inside ${what} (truncated, or changed while being read)`);
    done += n;
  }
}
