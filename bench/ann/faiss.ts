// Runs bench/ann/faiss_ivf.py on a bench table when python3 with faiss is available: the table,
// queries and mirec's exact top-50 go to a temporary directory as raw little-endian arrays.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { D, K, TOP, type BenchTable } from './tables.js';

export interface FaissRow { index: string; setting: string; recall: number; p50: number; p99: number; build_s: number; bytes: number }

/** The python with faiss, or null (PYTHON env first, then python3, then /usr/bin/python3). */
export function faissPython(): string | null {
  for (const py of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (py && spawnSync(py, ['-c', 'import faiss'], { stdio: 'ignore' }).status === 0) return py;
  }
  return null;
}

export function runFaiss(py: string, t: BenchTable, truth: Int32Array, lists: number, nprobes: number[], efs: number[], hnsw: boolean): FaissRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-ann-'));
  try {
    const N = t.E.shape[0];
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ rows: N, dim: D, users: t.users, interests: K, top: TOP }));
    writeFileSync(join(dir, 'table.f32'), new Uint8Array(Float32Array.from(t.E.data).buffer));
    // Inactive interests are zeroed: a zero query scores every item 0 and never beats an active one.
    const q = Float32Array.from(t.queries, (v, i) => (t.active[Math.floor(i / D)] ? v : 0));
    writeFileSync(join(dir, 'queries.f32'), new Uint8Array(q.buffer));
    writeFileSync(join(dir, 'truth.i32'), new Uint8Array(truth.buffer));
    const args = [new URL('./faiss_ivf.py', import.meta.url).pathname, dir, String(lists), nprobes.join(','), efs.join(','), ...(hnsw ? [] : ['--no-hnsw'])];
    const r = spawnSync(py, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`faiss bench failed: ${r.stderr}`);
    return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FaissRow);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
