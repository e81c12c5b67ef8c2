// Atomic file replacement for checkpoints and reports (Node, Deno and Bun): write a temp file
// `.NAME.<pid>.<ms>.tmp` in the same folder, flush it, then rename over the target, so a crash
// mid-save leaves either the old file or the new one, never a torn mix. A read-only target is
// never replaced, a replaced file keeps its mode (and owner, where allowed), temp files of
// processes that died are removed on the next write, and `removeTempFiles()` lets a signal
// handler clean up the ones in flight. Reached only through `mirec/node` (io/node-host.ts) and
// the CLI, so the main entry stays free of node: modules.
import * as fs from 'node:fs/promises';
import { rmSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temp files being written by this process (removed by `removeTempFiles`). */
const inFlight = new Set<string>();

/** Remove (synchronously) every temp file this process is writing: for exit and signal handlers. */
export function removeTempFiles(): void {
  for (const tmp of inFlight) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // already gone
    }
  }
  inFlight.clear();
}

const TEMP = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove `.NAME.<pid>.<ms>.tmp` files next to `path` left by processes that no longer run. */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const dir = dirname(path), base = basename(path);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    const m = TEMP.exec(n);
    if (!m || m[1] !== base) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    await fs.rm(join(dir, n), { force: true });
    removed.push(join(dir, n));
  }
  return removed;
}

/**
 * Write `bytes` (or `chunks` one after another, e.g. a checkpoint's header and tensor views) to
 * `path` atomically; refuses to replace a read-only file.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string | readonly Uint8Array[]): Promise<void> {
  const lengths = typeof bytes === 'string' || bytes instanceof Uint8Array ? [] : bytes.map((c) => c.byteLength);
  let existing: Stats | null = null;
  try {
    existing = await fs.stat(path);
  } catch {
    // a new file
  }
  if (existing && existing.isDirectory()) throw new Error(`writeFileAtomic: ${path} is a folder`);
  if (existing && (existing.mode & 0o222) === 0) throw new Error(`writeFileAtomic: ${path} is read-only (mode ${(existing.mode & 0o777).toString(8)}); not replacing it`);
  await removeStaleTempFiles(path).catch(() => []);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  inFlight.add(tmp);
  const fail = async (what: string, e: unknown): Promise<never> => {
    await fs.rm(tmp, { force: true }).catch(() => {});
    inFlight.delete(tmp);
    throw new Error(`writeFileAtomic: could not ${what} ${path}: ${(e as Error).message}`);
  };
  const handle = await fs.open(tmp, 'wx', existing ? existing.mode & 0o7777 : 0o666).catch((e: Error) => fail('write', e));
  try {
    if (typeof bytes === 'string' || bytes instanceof Uint8Array) await handle.writeFile(bytes);
    else await writeChunks(handle, bytes, lengths);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => {});
    return fail('write', e);
  }
  await handle.close();
  if (existing) {
    // Keep the replaced file's mode and (when allowed, e.g. as root) its owner.
    await fs.chmod(tmp, existing.mode & 0o7777).catch(() => {});
    await fs.chown(tmp, existing.uid, existing.gid).catch(() => {});
  }
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    return fail('replace', e);
  }
  inFlight.delete(tmp);
}

/**
 * Each chunk in order. A chunk that is a view of memory which changed size since the call (a
 * wasm memory that grew detaches its old views) is refused rather than written short.
 */
async function writeChunks(handle: fs.FileHandle, chunks: readonly Uint8Array[], lengths: number[]): Promise<void> {
  for (let i = 0; i < chunks.length; i++) {
    if (chunks[i].byteLength !== lengths[i]) throw new Error(`chunk ${i} changed from ${lengths[i]} to ${chunks[i].byteLength} bytes while being written`);
    for (let at = 0; at < lengths[i]; ) {
      const { bytesWritten } = await handle.write(chunks[i], at, lengths[i] - at);
      at += bytesWritten;
    }
  }
}
