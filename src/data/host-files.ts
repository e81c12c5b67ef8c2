// The file-system seam. The main entry never imports a `node:` module; code that reads or
// writes a *path* (checkpoint loading and saving, readEvents of a file) asks the HostFiles
// installed here, which `mirec/node` (and the `node` export condition of `mirec`, used by
// Node, Deno and Bun) installs. In browsers and Workers nothing is installed: paths get a clear
// error, while bytes, streams and http(s) URLs work everywhere.
import type { UrlLike } from '../engine/web-types.js';

/** What the library needs from a file system. */
export interface HostFiles {
  /**
   * Whole file (checkpoints), refused past `maxBytes` before it is read; errors say why in a
   * few words (no such file, is a folder, permission denied, too large).
   */
  readFile(path: string | UrlLike, maxBytes?: number): Promise<Uint8Array>;
  /**
   * Byte chunks of a file, gunzipped when it starts with the gzip magic or ends in .gz; the file
   * is opened once (pipes work) and `onBytes` sees the raw bytes as read.
   */
  fileChunks(path: string | UrlLike, name: string, onBytes?: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array>;
  /** Replace `path` atomically (temp file in the same folder, fsync, rename); chunks are written in order. */
  writeFileAtomic(path: string, bytes: Uint8Array | string | readonly Uint8Array[]): Promise<void>;
  /**
   * A regular file opened for reads by byte range (a checkpoint's header, then its weights only);
   * errors as readFile's.
   */
  openRanges(path: string | UrlLike): Promise<RangeFile>;
}

/** A file read by byte ranges. Close it. */
export interface RangeFile {
  /** Size when opened. */
  readonly size: number;
  /** Read up to `length` bytes from `position` into dest[offset…]; resolves to the count read (0 at the end). */
  read(dest: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

let installed: HostFiles | null = null;

/** Install the file system (`mirec/node` does this on import). */
export function setHostFiles(files: HostFiles | null): void {
  installed = files;
}

/** Whether a file system is installed (false in browsers and Workers). */
export function hasHostFiles(): boolean {
  return installed !== null;
}

/** The installed file system, or an error saying how to get one; `what` names the caller. */
export function hostFiles(what: string, path: string | UrlLike): HostFiles {
  if (installed) return installed;
  throw new Error(
    `${what}: ${String(path)} is a file path, and this runtime has no file system installed. ` +
      `In Node, Deno or Bun import from 'mirec/node' (or 'mirec', whose "node" export condition installs it); ` +
      `in a browser or Worker pass the bytes, a ReadableStream or an http(s) URL instead`,
  );
}
