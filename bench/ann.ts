// ANN benchmark (suite `ann`): mirec IVF (f32, int8) against mirec exact scoring and, when python3
// has faiss, Faiss IVF-Flat, IVF-SQ8 and HNSW32 on the same tables in the same run: clustered
// synthetic 100k x 64 and 1M x 64 tables and, with --ann-checkpoint/--ann-data, a trained item
// table or several (its test users' interests as queries, plus the protocol's test Recall@50
// exact vs IVF). One user = K = 4 interest queries, top-50 merged by max; one thread; latency
// p50/p99 over users. Trained tables are given as comma-separated, paired lists:
// Run: `npm run bench -- ann [--ann-checkpoint=beauty.safetensors,book.safetensors
//       --ann-data=Beauty.txt.gz,book.csv [--ann-lists=64,1024] [--ann-nprobe=8,16,32]
//       [--ann-eval-users=2000]] [--ann-rows=1000001] [--ann-users=200] [--ann-hnsw-1m]
//       [--ann-no-hnsw] [--ann-skip=100k,large]`. Lists default to 64 up to 50k items, else 1,024;
// nprobe to lists/32, /16, /8, /4; the test Recall@50 uses every test user unless --ann-eval-users.
import { init } from '../src/engine/load.js';
import { installNodeHost } from '../src/io/node-host.js';
import { IvfIndex } from '../src/ann/ivf-index.js';
import type { IvfStorage } from '../src/ann/ivf-search.js';
import { evaluateRetrieval, recallAt } from '../src/train/evaluate.js';
import { retrieveWithIndex } from '../src/serve/index-serving.js';
import { RetrievalAccumulator } from '../src/eval/retrieval-accumulator.js';
import { casesBatch } from '../src/data/protocol.js';
import { exactTruth, syntheticTable, trainedTable, D, K, TOP, type BenchTable } from './ann/tables.js';
import { faissPython, runFaiss } from './ann/faiss.js';
import { loadavg } from 'node:os';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--ann-${name}=`))?.split('=')[1];
const flag = (name: string) => process.argv.includes(`--ann-${name}`);

interface Row { table: string; method: string; setting: string; recall: number; p50: number; p99: number; build: number; mb: number; note?: string }

/** Each row as soon as it is measured (stderr), so a long run reports what it has. */
function line(r: Row): string {
  const f = (v: number, d: number) => v.toFixed(d);
  return `| ${r.table} | ${r.method} | ${r.setting} | ${f(r.recall, 3)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${f(r.build, 1)} | ${f(r.mb, 1)} | ${r.note ?? ''} |`;
}

const pct = (ms: number[], p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];

function ivfRows(t: BenchTable, truth: Int32Array, lists: number, storage: IvfStorage, nprobes: number[], rerankProbes: number[] = []): Row[] {
  const t0 = performance.now();
  const idx = IvfIndex.build(t.E, { lists, storage, seed: 1 });
  const build = (performance.now() - t0) / 1000;
  const rows: Row[] = [];
  const runs = [...nprobes.map((n) => [n, 0]), ...rerankProbes.map((n) => [n, 4 * TOP])];
  for (const [nprobe, rerank] of runs) {
    let hit = 0;
    const ms: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      for (let u = 0; u < t.users; u++) {
        const q = { vectors: t.queries.subarray(u * K * D, (u + 1) * K * D), interests: K, active: t.active.subarray(u * K, (u + 1) * K) };
        const s = performance.now();
        const r = idx.search(q, { topN: TOP, nprobe, rerank })[0];
        if (rep > 0) ms.push(performance.now() - s); // rep 0 warms up
        else {
          const want = new Set(truth.subarray(u * TOP, (u + 1) * TOP));
          want.delete(0);
          for (const i of r.ids) if (want.has(i)) hit++;
        }
      }
    }
    ms.sort((a, b) => a - b);
    rows.push({ table: t.name, method: `mirec IVF${lists} ${storage}${rerank ? ` + re-rank ${rerank}` : ''}`, setting: `nprobe ${nprobe}`, recall: hit / (t.users * TOP), p50: pct(ms, 0.5), p99: pct(ms, 0.99), build, mb: idx.byteLength / 1048576 });
  }
  if (t.model && t.cases) {
    const model = t.model;
    for (const nprobe of nprobes) {
      // The protocol's test Recall@50 with retrieval through the index (evaluateRetrieval's loop).
      const acc = new RetrievalAccumulator({ ns: [50] });
      const cases = t.cases;
      for (let start = 0; start < cases.B; start += 256) {
        const batch = casesBatch(cases, start, 256);
        model.itemTable().engine.step(() => retrieveWithIndex(model, idx, batch, { topN: 50, nprobe }).forEach((l, i) => acc.add(l.ids, cases.truth[start + i])));
      }
      const r = recallAt(acc.result(), 50);
      rows[nprobes.indexOf(nprobe)].note = `test Recall@50 ${(100 * r).toFixed(3)}`;
    }
  }
  idx.dispose();
  for (const r of rows) console.error(line(r));
  return rows;
}

function tableRows(t: BenchTable, lists: number, nprobes: number[], py: string | null, hnsw: boolean): Row[] {
  const { truth, ms } = exactTruth(t);
  const N = t.E.shape[0];
  const rows: Row[] = [{ table: t.name, method: 'mirec exact f32', setting: '-', recall: 1, p50: pct(ms, 0.5), p99: pct(ms, 0.99), build: 0, mb: (N * D * 4) / 1048576 }];
  if (t.model && t.cases) rows[0].note = `test Recall@50 ${(100 * recallAt(evaluateRetrieval(t.model, t.cases), 50)).toFixed(3)}`;
  console.error(line(rows[0]));
  rows.push(...ivfRows(t, truth, lists, 'f32', nprobes));
  rows.push(...ivfRows(t, truth, lists, 'int8', nprobes, nprobes.slice(1, 3)));
  if (py) {
    for (const f of runFaiss(py, t, truth, lists, nprobes, [64, 256], hnsw)) {
      rows.push({ table: t.name, method: `Faiss ${f.index}`, setting: f.setting, recall: f.recall, p50: f.p50, p99: f.p99, build: f.build_s, mb: f.bytes / 1048576 });
      console.error(line(rows[rows.length - 1]));
    }
  }
  return rows;
}

/**
 * The side-by-side ratios of one run (same load for both): fastest p50 at recall@50 ≥ 0.95 of
 * mirec IVF f32 vs Faiss IVF-Flat and mirec int8 vs Faiss IVF-SQ8 (target ≤ 1.6x), and build time
 * (target ≤ 1.0x, "no slower than Faiss's IVF build").
 */
function ratios(rows: Row[]): string[] {
  const out: string[] = [];
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  for (const table of new Set(rows.map((r) => r.table))) {
    const best = (re: RegExp) => rows.filter((r) => r.table === table && re.test(r.method) && r.recall >= 0.95).sort((a, b) => a.p50 - b.p50)[0];
    const built = (re: RegExp) => rows.find((r) => r.table === table && re.test(r.method));
    for (const [m, f] of [[/^mirec IVF\d+ f32$/, /^Faiss IVF\d+,Flat$/], [/^mirec IVF\d+ int8$/, /^Faiss IVF\d+,SQ8$/]] as const) {
      const a = best(m), b = best(f);
      const ba = built(m), bb = built(f);
      if (!ba || !bb) continue;
      const p50 = a && b ? `p50 at recall ≥ 0.95: ${a.method} ${a.setting} ${a.p50.toFixed(3)} ms (recall ${a.recall.toFixed(3)}) vs ${b.method} ${b.setting} ${b.p50.toFixed(3)} ms (recall ${b.recall.toFixed(3)}) = ${x(a.p50, b.p50)} (target ≤ 1.6x)` : 'p50: no setting reaches recall 0.95 on one side';
      out.push(`- ${table}: ${p50}; build ${ba.build.toFixed(1)} s vs ${bb.build.toFixed(1)} s = ${x(ba.build, bb.build)} (target ≤ 1.00x)`);
    }
  }
  return out;
}

export async function annSuite(): Promise<string> {
  installNodeHost(); // paths for the checkpoint and data file
  const load0 = loadavg()[0];
  const e = await init();
  const users = Number(arg('users') ?? 200);
  const py = faissPython();
  const rows: Row[] = [];
  const list = (name: string) => (arg(name) ?? '').split(',').filter(Boolean);
  const cks = list('checkpoint'), datas = list('data'), listCounts = list('lists').map(Number);
  if (cks.length !== datas.length) throw new Error(`ann bench: --ann-checkpoint names ${cks.length} files and --ann-data ${datas.length}; give them in pairs`);
  const evalUsers = arg('eval-users') === undefined ? undefined : Number(arg('eval-users'));
  for (let i = 0; i < cks.length; i++) {
    const t = await trainedTable(cks[i], datas[i], users, evalUsers);
    const N = t.E.shape[0] - 1;
    const L = listCounts[i] || (N <= 50_000 ? 64 : 1024);
    const nprobes = list('nprobe').length ? list('nprobe').map(Number) : [L / 32, L / 16, L / 8, L / 4].map((x) => Math.max(1, Math.round(x)));
    rows.push(...tableRows(t, L, nprobes, py, !flag('no-hnsw') && (N <= 200_000 || flag('hnsw-1m'))));
  }
  const specs: [string, number, number, number[]][] = [['100k', 100_001, 256, [1, 2, 4, 8]], ['large', Number(arg('rows') ?? 1_000_001), 1024, [1, 2, 4, 8]]];
  const skip = (arg('skip') ?? '').split(',');
  for (const [name, N, lists, nprobes] of specs) {
    if (skip.includes(name)) continue; // by name: --ann-rows may make the large table small
    const t = syntheticTable(e, N, users);
    rows.push(...tableRows(t, lists, nprobes, py, !flag('no-hnsw') && (N <= 200_001 || flag('hnsw-1m'))));
    e.heap.free(t.E.ptr);
    console.error(`ann: ${t.name} done`);
  }
  const head = '| table | method | setting | recall@50 vs exact | p50 ms | p99 ms | build s | memory MB | note |\n|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map(line);
  const load = `load average (1 min) ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`;
  return [head, ...lines, '', 'Ratios, mirec / Faiss, same run:', ...ratios(rows), '', load, py ? `faiss: ${py}` : 'faiss: not installed (apt-get install -y python3-faiss); Faiss rows skipped'].join('\n');
}
