// Recommender.load of an http(s) URL: a server that answers Range requests sends the header and
// the weights only (the optimizer's moments never cross the network); one that ignores Range
// sends the whole file, which loads as before; a cut file and a failed range are clear errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import { decodeCheckpointHeader } from '../../src/io/checkpoint.js';
import { Recommender } from '../../src/serve/recommender.js';

const ds = prepareRetrieval(generateSynthetic('tiny').events, { filter: false });

async function serve(files: Record<string, { bytes: Uint8Array; ranges: boolean; failAfter?: number }>): Promise<{ server: Server; base: string; sent: Map<string, [number, number][]> }> {
  const sent = new Map<string, [number, number][]>();
  const server = createServer((req, res) => {
    const f = files[req.url!];
    if (!f) return res.writeHead(404).end();
    const log = sent.get(req.url!) ?? [];
    sent.set(req.url!, log);
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!f.ranges || !m) {
      log.push([0, f.bytes.length]);
      return res.writeHead(200, { 'content-length': f.bytes.length }).end(f.bytes);
    }
    const a = +m[1], b = Math.min(+m[2], f.bytes.length - 1);
    if (f.failAfter !== undefined && log.length >= f.failAfter) return res.writeHead(503).end();
    log.push([a, b + 1]);
    res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${f.bytes.length}`, 'content-length': b + 1 - a }).end(f.bytes.subarray(a, b + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent };
}

/** Byte range in the file of every tensor whose name starts with `prefix`. */
function spans(bytes: Uint8Array, prefix: string): [number, number][] {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const h = decodeCheckpointHeader(bytes).tensors as unknown as Map<string, { begin: number; end: number }>;
  return [...h].filter(([k]) => k.startsWith(prefix)).map(([, t]) => [8 + n + t.begin, 8 + n + t.end]);
}

test('a Range server sends the header and the weights only; a plain server the whole file; errors name the URL', async () => {
  await init({ backend: 'wasm-simd' });
  const t = new Trainer(new ComiRecSA({ items: ds.vocab.size, dim: 64, seqLen: 20, seed: 3 }), ds, { batchSize: 64, lr: 5e-3, evalEvery: 100, maxSteps: 5 });
  t.fit();
  const bytes = t.checkpoint({ vocab: ds.vocab.toJSON() });
  assert.ok(bytes.length > 3 * 65536, `${bytes.length} bytes: larger than the first range`);
  const { server, base, sent } = await serve({
    '/ranges.safetensors': { bytes, ranges: true },
    '/plain.safetensors': { bytes, ranges: false },
    '/cut.safetensors': { bytes: bytes.subarray(0, bytes.length - 100), ranges: true },
    '/flaky.safetensors': { bytes, ranges: true, failAfter: 2 },
  });
  try {
    const history = ds.vocab.ids.slice(1, 8);
    const want = Recommender.fromBytes(bytes, 'ck').recommend(history, { topN: 10 });
    assert.equal((await Recommender.load(`${base}/ranges.safetensors`)).recommend(history, { topN: 10 }), want);
    const optim = spans(bytes, 'optim.');
    assert.ok(optim.length > 0);
    const got = sent.get('/ranges.safetensors')!;
    for (const [a, b] of got) assert.ok(optim.every(([x, y]) => b <= x || a >= y || a === 0), `range [${a}, ${b}) overlaps an optimizer tensor`);
    const served = got.reduce((s, [a, b]) => s + b - a, 0);
    const params = spans(bytes, 'param.').reduce((s, [a, b]) => s + b - a, 0);
    assert.ok(served < bytes.length - optim.reduce((s, [a, b]) => s + b - a, 0) + 65536, `${served} of ${bytes.length} bytes sent`);
    assert.ok(served >= params, 'every weight was fetched');
    console.log(`  Range server: ${served} of ${bytes.length} bytes sent (weights ${params}) in ${got.length} requests`);
    assert.equal((await Recommender.load(new URL(`${base}/plain.safetensors`))).recommend(history, { topN: 10 }), want, 'a server without Range');
    assert.equal(sent.get('/plain.safetensors'), [[0, bytes.length]]);
    await Recommender.load(`${base}/cut.safetensors`).then(() => assert.unreachable('a cut file loaded'), (e: Error) => assert.ok(e.message.includes('/cut.safetensors'), e.message));
    await Recommender.load(`${base}/flaky.safetensors`).then(() => assert.unreachable('a failed range loaded'), (e: Error) => assert.match(e.message, /flaky\.safetensors: bytes \d+-\d+: HTTP 503/));
    await Recommender.load(`${base}/missing.safetensors`).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /missing\.safetensors: HTTP 404/));
  } finally {
    server.close();
  }
});

test.run();
