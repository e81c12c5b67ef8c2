// Outputs that never hurt inputs, checked before any work: every output path is resolved
// (realpath of the file or of its folder; hard links by device + inode) and refused when it is
// an input or another output; its folder must exist and take a new file (a probe file is
// created and removed, which also catches read-only mounts and root's bypass of permission
// bits); an existing read-only output is refused; and an existing checkpoint at --out keeps its
// place unless this run scores better or --overwrite is given.
import { constants } from 'node:fs';
import { open, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { checkpointHeader } from '../io/checkpoint.js';
import { readSafetensorsHeader } from '../io/safetensors-file.js';
import { removeStaleTempFiles } from '../io/atomic-write.js';
import { UsageError } from './args.js';

/** A path given by a flag, e.g. ['--out', 'model.safetensors']. */
export type FlagPath = [flag: string, path: string | undefined];

interface Resolved { flag: string; path: string; real: string; id: string | null; exists: boolean; mode: number }

async function resolvePath(flag: string, path: string, output: boolean): Promise<Resolved> {
  try {
    const st = await stat(path);
    if (output && st.isDirectory()) throw new UsageError(`${flag} ${path} is a folder; give a file path`);
    return { flag, path, real: await realpath(path), id: `${st.dev}:${st.ino}`, exists: true, mode: st.mode };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (!output) return { flag, path, real: resolve(path), id: null, exists: false, mode: 0 };
    if (code !== 'ENOENT') throw new UsageError(`${flag} ${path}: ${code ?? (e as Error).message}`);
    let folder: string;
    try {
      folder = await realpath(dirname(path));
    } catch {
      throw new UsageError(`${flag} ${path}: the folder ${dirname(path)} does not exist`);
    }
    return { flag, path, real: join(folder, basename(path)), id: null, exists: false, mode: 0 };
  }
}

/** Create and remove a probe file in `dir`: the only check that holds for root and read-only mounts. */
async function probeFolder(flag: string, path: string): Promise<void> {
  const dir = dirname(path);
  const probe = join(dir, `.mirec-probe.${process.pid}.${Date.now()}.tmp`);
  try {
    const h = await open(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    await h.close();
    await rm(probe, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOSPC' ? 'no space left' : code ?? (e as Error).message;
    throw new UsageError(`${flag} ${path}: cannot write in the folder ${dir} (${why})`);
  }
}

/**
 * Refuse (UsageError) before any work when an output is an input or another output, when an
 * output's folder cannot take a file, or when an existing output is read-only. `same` lists
 * output/input flag pairs that may name one file on purpose (`--resume X --out X`).
 */
export async function checkOutputs(inputs: FlagPath[], outputs: FlagPath[], same: [string, string][] = []): Promise<void> {
  const ins = await Promise.all(inputs.filter(([, p]) => p !== undefined).map(([f, p]) => resolvePath(f, p!, false)));
  const outs = await Promise.all(outputs.filter(([, p]) => p !== undefined).map(([f, p]) => resolvePath(f, p!, true)));
  const sameFile = (a: Resolved, b: Resolved) => a.real === b.real || (a.id !== null && a.id === b.id);
  outs.forEach((o, i) => {
    for (const inp of ins) {
      if (sameFile(o, inp) && !same.some(([x, y]) => x === o.flag && y === inp.flag)) {
        throw new UsageError(`${o.flag} ${o.path} is the same file as ${inp.flag} ${inp.path}${resolve(o.path) !== resolve(inp.path) ? ` (a hard link or symlink to it)` : ''}; refusing to overwrite an input: choose another ${o.flag} path`);
      }
    }
    for (const other of outs.slice(0, i)) {
      if (sameFile(o, other)) throw new UsageError(`${o.flag} ${o.path} and ${other.flag} ${other.path} are the same file; give each output its own path`);
    }
  });
  for (const o of outs) {
    // Temp files of runs that were killed mid-write (their pid is gone) go before this run starts.
    await removeStaleTempFiles(o.path).catch(() => []);
    if (o.exists && (o.mode & 0o222) === 0) throw new UsageError(`${o.flag} ${o.path} is read-only (mode ${(o.mode & 0o777).toString(8)}); not replacing it`);
    await probeFolder(o.flag, o.path);
  }
}

/**
 * Validation Recall@50 of the checkpoint already at `path` (-Infinity when the file holds none
 * yet), or undefined when there is no file. A file that is not a mirec checkpoint is refused:
 * replacing it takes --overwrite.
 */
export async function existingBest(path: string): Promise<number | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  let extra: Record<string, unknown>;
  try {
    // The header alone: the best score is metadata, the tensors may be a gigabyte.
    extra = checkpointHeader(await readSafetensorsHeader(path), path).extra;
  } catch (e) {
    throw new UsageError(`--out ${path} exists and is not a readable mirec checkpoint (${(e as Error).message.replace(/^(checkpoint|safetensors): /, '')}); pass --overwrite to replace it, or choose another path`);
  }
  const best = (extra.best as { recall50?: unknown } | undefined)?.recall50;
  return typeof best === 'number' && Number.isFinite(best) ? best : -Infinity;
}

/** Whether two paths name one existing file (realpath or device + inode). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
