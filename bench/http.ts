// Loopback load test of the shared HTTP handler (suite `http`, opt-in): a node:http server on
// 127.0.0.1 (a free port) serving a ComiRec-SA Recommender of 20k items (D = 64) through
// examples/shared/handler.mjs, hit by C concurrent keep-alive clients with a mix of good requests
// (random histories of known ids) and bad ones (missing/oversized history, unknown ids, bad topN,
// wrong path or method). Bounded: at most MIREC_HTTP_REQUESTS requests (default 4000) and
// MIREC_HTTP_SECONDS seconds (default 30), loopback only. Reports p50/p99 latency of good
// requests, the status mix, unexpected answers (5xx, network errors, a bad request answered 200)
// and RSS over time.
// Run: `npm run bench -- http` (on a shared machine: `nice -n 10 npm run bench -- http`).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init } from '../src/engine/load.js';
import { ComiRecSA } from '../src/models/comirec-sa.js';
import { Vocabulary } from '../src/data/vocab.js';
import { Recommender } from '../src/serve/recommender.js';
import { handle } from '../examples/shared/handler.mjs';

const N = 20_000;
const CONCURRENCY = 16;
const REQUESTS = Number(process.env.MIREC_HTTP_REQUESTS ?? 4000);
const SECONDS = Number(process.env.MIREC_HTTP_SECONDS ?? 30);

function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

export async function httpSuite(): Promise<string> {
  await init();
  const ids = Array.from({ length: N - 1 }, (_, i) => `i${i + 1}`);
  const rec = new Recommender(new ComiRecSA({ items: N, dim: 64, interests: 4, seqLen: 20, seed: 3 }), new Vocabulary(['', ...ids], new Int32Array(N).fill(1), N - 1));
  const server: Server = createServer(async (req, res) => {
    const response = await handle(new Request(new URL(req.url ?? '/', 'http://127.0.0.1'), { method: req.method }), (() => rec) as unknown as Parameters<typeof handle>[1]); // handler typed against dist/
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const history = (len: number) => Array.from({ length: len }, () => ids[rand(ids.length)]).join(',');
  // [path, method, expected status]: 90 % good, 10 % each kind of bad request.
  const bad: [() => string, string, number][] = [
    [() => '/recommend', 'GET', 400],
    [() => `/recommend?history=${'x,'.repeat(40_000)}`, 'GET', 400],
    [() => '/recommend?history=nope,nada', 'GET', 400],
    [() => `/recommend?history=${history(5)}&topN=1e9`, 'GET', 400],
    [() => '/elsewhere', 'GET', 404],
    [() => `/recommend?history=${history(3)}`, 'POST', 405],
  ];
  const pick = (): [string, string, number, boolean] => {
    if (rand(10) > 0) return [`/recommend?history=${history(1 + rand(30))}&topN=${1 + rand(100)}`, 'GET', 200, true];
    const [path, method, status] = bad[rand(bad.length)];
    return [path(), method, status, false];
  };

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let unexpected = 0, sent = 0;
  const memory: { s: number; rssMB: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => memory.push({ s: (performance.now() - t0) / 1000, rssMB: process.memoryUsage().rss / 2 ** 20 }), 500);
  memory.push({ s: 0, rssMB: process.memoryUsage().rss / 2 ** 20 });
  const deadline = t0 + SECONDS * 1000;
  const worker = async () => {
    while (sent < REQUESTS && performance.now() < deadline) {
      sent++;
      const [path, method, expect, good] = pick();
      const s = performance.now();
      try {
        const r = await fetch(base + path, { method });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status !== expect) unexpected++;
        if (good && r.status === 200) latencies.push(performance.now() - s);
      } catch {
        unexpected++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(sampler);
  memory.push({ s: (performance.now() - t0) / 1000, rssMB: process.memoryUsage().rss / 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  await new Promise<void>((r) => server.close(() => r()));
  latencies.sort((a, b) => a - b);
  const peak = Math.max(...memory.map((m) => m.rssMB));
  const thirds = [memory[0], memory[Math.floor(memory.length / 3)], memory[Math.floor((2 * memory.length) / 3)], memory[memory.length - 1]];
  return [
    `${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s), ${CONCURRENCY} concurrent clients on 127.0.0.1; ComiRec-SA N = ${N}, D = 64, K = 4, exact f32`,
    '',
    '| good requests | p50 ms | p99 ms | max ms | statuses | unexpected | RSS start → peak → end MB |',
    '|---|---|---|---|---|---|---|',
    `| ${latencies.length} | ${quantile(latencies, 0.5).toFixed(2)} | ${quantile(latencies, 0.99).toFixed(2)} | ${(latencies.at(-1) ?? NaN).toFixed(2)} | ${[...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}: ${v}`).join(', ')} | ${unexpected} | ${memory[0].rssMB.toFixed(0)} → ${peak.toFixed(0)} → ${memory.at(-1)!.rssMB.toFixed(0)} |`,
    '',
    `RSS over time (s: MB): ${thirds.map((m) => `${m.s.toFixed(1)}: ${m.rssMB.toFixed(0)}`).join(', ')}`,
  ].join('\n');
}
