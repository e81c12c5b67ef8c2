// The 10M-item partitioned Worker (`npm run test:scale`; ~30 min on 2 cores, not in `npm test`):
// writes a clustered 10M x 64 float32 item table as a safetensors file in /tmp, builds a 4,096-list
// int8 index from it with `mirec index --stream` in a child process (bounded memory: its peak RSS
// is reported and asserted), serves the index file from a Range server on 127.0.0.1, and runs
// examples/worker-ivf in workerd (16 MB list cache). Each answer must equal the same index searched
// in Node (ids and scores) and exact float64 scoring of the probed lists; workerd's peak RSS less
// that of an idle workerd (the runtime, not the isolate) must stay under 128 MB; both are printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { init, RemoteIvfIndex, decodeIvfHead, clusterCentres, clusteredQueries, type IndexSource } from '../../dist/node.js';
import { ROOT } from './hosts.js';
import { rangeServer, startWorkerdConfig } from './ivf-workers.js';

const ITEMS = Number(process.env.MIREC_SCALE_ITEMS ?? 10_000_000);
const LISTS = Number(process.env.MIREC_SCALE_LISTS ?? 4096);
const SAMPLE = Number(process.env.MIREC_SCALE_SAMPLE ?? 64); // k-means training rows per list
const DIR = process.env.MIREC_SCALE_DIR ?? '/tmp/mirec-scale';
const KEEP = process.env.MIREC_SCALE_KEEP === '1'; // keep (and reuse) the table and index files
const CACHE_MB = Number(process.env.MIREC_SCALE_CACHE_MB ?? 16);
const o = { rows: ITEMS + 1, dim: 64 };
const MB = 1048576;
const say = (what: string, v: unknown) => console.log(`[scale] ${what}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);

/**
 * Rows lo..hi−1 of the clustered table, generated cheaply (a 10M table in seconds, not minutes):
 * row i = scale · (centre c + uniform noise), c and scale from a hash of i, noise from xorshift32.
 */
function tableRows(centres: Float32Array, lo: number, hi: number, out: Float32Array): void {
  const D = o.dim, C = centres.length / D, amp = Math.sqrt(3) * 0.5 / Math.sqrt(D); // uniform noise of std 0.5/√D
  for (let i = lo; i < hi; i++) {
    const at = (i - lo) * D;
    if (i === 0) { out.fill(0, at, at + D); continue; }
    let x = Math.imul(i, 0x9e3779b1) ^ 0x5bd1e995;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296; };
    next();
    const c = Math.floor(next() * C) * D;
    const scale = 0.75 + 0.5 * next();
    for (let t = 0; t < D; t++) out[at + t] = scale * (centres[c + t] + amp * (2 * next() - 1));
  }
}

/** The table as a safetensors file (tensor param.item_emb), written in chunks. */
function writeTable(path: string, centres: Float32Array): number {
  const t0 = performance.now();
  const bytes = o.rows * o.dim * 4;
  let json = JSON.stringify({ 'param.item_emb': { dtype: 'F32', shape: [o.rows, o.dim], data_offsets: [0, bytes] } });
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  head.set(new TextEncoder().encode(json), 8);
  const tmp = `${path}.tmp`; // renamed when complete, so MIREC_SCALE_KEEP never reuses a partial table
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, head, 0, head.length, 0);
    const CH = 65536;
    const buf = new Float32Array(CH * o.dim);
    for (let lo = 0; lo < o.rows; lo += CH) {
      const hi = Math.min(o.rows, lo + CH);
      tableRows(centres, lo, hi, buf);
      writeSync(fd, new Uint8Array(buf.buffer, 0, (hi - lo) * o.dim * 4), 0, (hi - lo) * o.dim * 4, head.length + lo * o.dim * 4);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return (performance.now() - t0) / 1000;
}

/** The index file read by range in Node (the reference search runs the library's own code). */
function fileSource(path: string): IndexSource & { read(a: number, n: number): Uint8Array } {
  const fd = openSync(path, 'r');
  const read = (a: number, n: number) => { const b = new Uint8Array(n); readSync(fd, b, 0, n, a); return b; };
  const first = read(0, 12);
  const hl = new DataView(first.buffer).getUint32(8, true);
  const headEnd = (JSON.parse(new TextDecoder().decode(read(12, hl))) as { data: [number, number] }).data[0];
  return { name: path, head: async () => read(0, headEnd), list: async (_l, a, n) => read(a, n), read };
}

/** Exact float64 scoring of the lists each interest probes (dequantized int8 rows), merged by max. */
function exactOnProbed(src: ReturnType<typeof fileSource>, head: ReturnType<typeof decodeIvfHead>, q: Float32Array, K: number, nprobe: number, topN: number): { ids: number[]; scores: number[] } {
  const D = head.header.dim, L = head.header.lists;
  const best = new Map<number, number>();
  for (let k = 0; k < K; k++) {
    const qk = q.subarray(k * D, k * D + D);
    const cs = Array.from({ length: L }, (_, l) => { let s = 0; for (let t = 0; t < D; t++) s += qk[t] * head.centroids[l * D + t]; return [s, l] as const; });
    cs.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, l] of cs.slice(0, nprobe)) {
      const n = head.counts[l];
      if (n === 0) continue;
      const block = src.read(head.offsets[l], head.lengths[l]);
      const dv = new DataView(block.buffer);
      const body = Math.ceil((4 * n) / 16) * 16;
      const p = Math.ceil(n / 8) * 8;
      for (let j = 0; j < n; j++) {
        const id = dv.getInt32(4 * j, true);
        const scale = dv.getFloat32(body + 4 * j, true);
        let s = 0;
        for (let t = 0; t < D; t++) s += qk[t] * scale * dv.getInt8(body + 4 * p + (j >> 3) * 8 * D + t * 8 + (j & 7));
        if (!(best.get(id)! >= s)) best.set(id, s);
      }
    }
  }
  const top = [...best].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, topN);
  return { ids: top.map((x) => x[0]), scores: top.map((x) => x[1]) };
}

test(`a ${ITEMS.toLocaleString('en')}-item int8 index served by the partitioned Worker in workerd within 128 MB`, async () => {
  mkdirSync(DIR, { recursive: true });
  const table = join(DIR, `items-${ITEMS}.safetensors`);
  const index = join(DIR, `items-${ITEMS}-${LISTS}-${SAMPLE}.ivf`);
  const centres = clusterCentres(o);
  try {
    if (!(KEEP && existsSync(table))) say('table written (s)', +writeTable(table, centres).toFixed(1));
    say('table file', `${(statSync(table).size / MB).toFixed(0)} MB`);
    if (!(KEEP && existsSync(index))) {
      const t0 = performance.now();
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'index', '--checkpoint', table, '--lists', String(LISTS), '--storage', 'int8', '--out', index, '--stream', '--sample-per-list', String(SAMPLE)],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
      assert.is(run.status, 0, `mirec index --stream exited ${run.status}`);
      const report = JSON.parse(run.stdout) as { peakRss: string; buildSeconds: number };
      say('mirec index --stream report', report);
      say('build wall (s, with node start)', +((performance.now() - t0) / 1000).toFixed(1));
      // Bounded: far below the 2.56 GB float32 table the build read.
      assert.ok(parseFloat(report.peakRss) < 1024, `peak RSS ${report.peakRss}`);
    }
    const fileBytes = statSync(index).size;
    say('index file', `${(fileBytes / MB).toFixed(1)} MB`);

    const e = await init();
    const src = fileSource(index);
    const node = await RemoteIvfIndex.open(e, src, { cacheBytes: 64 * MB });
    const head = decodeIvfHead(await src.head());
    assert.is(head.header.items, ITEMS);
    const files = await rangeServer(new Map([['catalogue.ivf', index]]));
    const cfgModule: string = '../../examples/worker-ivf/workerd-config.mjs';
    const { workerdConfig } = (await import(cfgModule)) as { workerdConfig: (url: string, port: number, dir: string, mb: number) => string };
    const w = await startWorkerdConfig(DIR, 'ivf-scale', (port) => workerdConfig(files.url('catalogue.ivf'), port, DIR, CACHE_MB));
    try {
      say('workerd after opening the head', { rssMB: +(w.rss() / MB).toFixed(1), peakRssMB: +(w.peakRss() / MB).toFixed(1) });
      const users = 12, K = 4, topN = 50;
      const q = clusteredQueries(o, centres, users * K);
      const ms: number[] = [];
      let stats: Record<string, number> = {};
      for (let u = 0; u < users; u++) {
        const nprobe = u < 10 ? 8 : 16;
        const vec = q.subarray(u * K * o.dim, (u + 1) * K * o.dim);
        const rows = Array.from({ length: K }, (_, k) => Array.from(vec.subarray(k * o.dim, (k + 1) * o.dim)));
        const t0 = performance.now();
        const res = await fetch(`${w.url}/search`, { method: 'POST', body: JSON.stringify({ vectors: rows, topN, nprobe }) });
        ms.push(performance.now() - t0);
        assert.is(res.status, 200, await res.clone().text());
        const got = (await res.json()) as { items: number[]; scores: number[]; stats: Record<string, number> };
        stats = got.stats;
        const [want] = await node.search({ vectors: Float32Array.from(vec), interests: K }, { topN, nprobe });
        assert.equal(got.items, Array.from(want.ids), `user ${u}: ids equal the index searched in Node`);
        assert.equal(got.scores, Array.from(want.scores), `user ${u}: scores equal`);
        const ref = exactOnProbed(src, head, vec, K, nprobe, topN);
        got.scores.forEach((s, i) => assert.ok(Math.abs(s - ref.scores[i]) < 1e-4, `user ${u} rank ${i}: ${s} vs float64 ${ref.scores[i]}`));
        const refScore = new Map(ref.ids.map((id, i) => [id, ref.scores[i]]));
        for (const id of got.items) if (!refScore.has(id)) assert.ok(Math.abs(got.scores[got.items.indexOf(id)] - ref.scores[topN - 1]) < 1e-4, `user ${u}: item ${id} is not in the float64 top-${topN} and not a near tie`);
        assert.ok(stats.cachedBytes <= CACHE_MB * MB, `cache ${stats.cachedBytes}`);
      }
      const peak = w.peakRss();
      // What the runtime itself takes: workerd serving a one-line Worker (Cloudflare's 128 MB is the
      // isolate's, not the runtime process's).
      writeFileSync(join(DIR, 'hello.js'), 'export default { fetch() { return new Response("ok"); } };\n');
      const idle = await startWorkerdConfig(DIR, 'hello', (port) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ], sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ] );
const w :Workerd.Worker = ( modules = [ (name = "hello.js", esModule = embed "hello.js") ], compatibilityDate = "2025-01-01" );
`, '/');
      const base = idle.peakRss();
      await idle.stop();
      say('worker stats', stats);
      say('worker latency ms (cold first; nprobe 8 x10, then 16 x2)', ms.map((x) => +x.toFixed(1)));
      say('range server', files.requests);
      say('workerd memory', { peakRssMB: +(peak / MB).toFixed(1), rssMB: +(w.rss() / MB).toFixed(1), idleWorkerdPeakRssMB: +(base / MB).toFixed(1), isolateEstimateMB: +((peak - base) / MB).toFixed(1), wasmMemoryMB: +(stats.wasmMemory / MB).toFixed(1), cachedMB: +(stats.cachedBytes / MB).toFixed(1) });
      assert.is(files.requests.full, 0, 'never a whole-file GET');
      assert.ok(files.requests.bytes < fileBytes, `fetched ${files.requests.bytes} of ${fileBytes} bytes`); // lists only, never the whole file
      say('fetched', `${(files.requests.bytes / MB).toFixed(1)} MB of ${(fileBytes / MB).toFixed(1)} MB (${((100 * files.requests.bytes) / fileBytes).toFixed(2)} %)`);
      if (peak) assert.ok(peak - base < 128 * MB, `workerd peak RSS ${(peak / MB).toFixed(1)} MB less the idle runtime's ${(base / MB).toFixed(1)} MB must stay under 128 MB`);
    } finally {
      await w.stop();
      await files.close();
    }
  } finally {
    if (!KEEP) rmSync(DIR, { recursive: true, force: true });
  }
});

test.run();
