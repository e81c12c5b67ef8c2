// Hostile HTTP requests against the shared handler (examples/shared/handler.mjs, what the Worker,
// Deno, Bun and Node servers run), called in-process with Web Requests: every bad request gets a
// 4xx JSON error saying what was wrong, never a 500 or a hang; a per-user MIND model is served
// with &user= and refuses requests without it; a checkpoint that fails to load (crafted config,
// NaN weights) answers 500 naming the file and the problem.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { MIND } from '../../src/models/mind.js';
import { Vocabulary } from '../../src/data/vocab.js';
import { Recommender } from '../../src/serve/recommender.js';
import { handle } from '../../examples/shared/handler.mjs';
import { FULL, editJson, mutate, tallySoFar } from './cases.js';

const N = 61;
const ids = Array.from({ length: N - 1 }, (_, i) => `m${i + 1}`);
const vocab = new Vocabulary(['', ...ids], new Int32Array(N).fill(1), N - 1);
let sa: Recommender, mind: Recommender;
let tried = 0, clean = 0;

async function ask(rec: () => Recommender | Promise<Recommender>, path: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
  // The handler is typed against the published package (dist/); the suite passes src/'s Recommender.
  const r = await handle(new Request(`http://127.0.0.1${path}`, { method }), rec as unknown as Parameters<typeof handle>[1]);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  return { status: r.status, body: await r.json() as Record<string, unknown> };
}

async function expectError(rec: () => Recommender | Promise<Recommender>, path: string, status: number, says: RegExp, method = 'GET') {
  tried++;
  const r = await ask(rec, path, method);
  assert.is(r.status, status, `${method} ${path.slice(0, 80)}: ${JSON.stringify(r.body).slice(0, 200)}`);
  assert.match(String(r.body.error), says, `${path.slice(0, 80)}`);
  clean++;
}

test.before(async () => {
  await init();
  sa = new Recommender(new ComiRecSA({ items: N, dim: 8, interests: 2, seqLen: 10, seed: 2 }), vocab);
  mind = new Recommender(new MIND({ items: N, dim: 8, interests: 3, seqLen: 10, servingRouting: 'perUser', adaptiveInterests: false }), vocab);
});

test('bad queries are 4xx with a message; good ones 200', async () => {
  const ok = await ask(() => sa, '/recommend?history=m1,m2,m3&topN=5');
  assert.is(ok.status, 200);
  assert.is((ok.body.items as unknown[]).length, 5);
  const cases: [string, number, RegExp, string?][] = [
    ['/recommend', 400, /missing history/],
    ['/recommend?history=', 400, /empty history/],
    ['/recommend?history=,,,%20', 400, /empty history/],
    [`/recommend?history=${'m1,'.repeat(2000)}`, 400, /history too long: \d+ ids/],
    [`/recommend?history=${'x'.repeat(70_000)}`, 400, /history too long: 70000 characters/],
    [`/recommend?history=${'y'.repeat(300)}`, 400, /id longer than 256/],
    ['/recommend?history=nope,%00%1b[31m', 400, /unknown history: none of the 2 ids/],
    ['/recommend?history=__proto__,constructor', 400, /unknown history/],
    ['/recommend?history=m1&topN=0', 400, /topN must be an integer in 1\.\.1000/],
    ['/recommend?history=m1&topN=1e9', 400, /topN must be an integer/],
    ['/recommend?history=m1&topN=NaN', 400, /topN must be an integer/],
    ['/recommend?history=m1&topN=-3', 400, /topN must be an integer/],
    ['/recommend?history=m1&topN=2.5', 400, /topN must be an integer/],
    ['/recommend?history=m1&user=', 400, /user must be a raw user id/],
    [`/recommend?history=m1&user=${'u'.repeat(300)}`, 400, /user must be a raw user id/],
    ['/elsewhere', 404, /not found: \/elsewhere/],
    ['/recommend/../etc/passwd', 404, /not found/],
    ['/recommend?history=m1', 405, /method POST not allowed/, 'POST'],
    ['/recommend?history=m1', 405, /method DELETE not allowed/, 'DELETE'],
  ];
  for (const [path, status, says, method] of cases) await expectError(() => sa, path, status, says, method);
  if (FULL) {
    // Random byte soup in every parameter: never a 500.
    let seed = 3;
    for (let i = 0; i < 500; i++) {
      const junk = Array.from({ length: 1 + (i % 40) }, () => encodeURIComponent(String.fromCharCode((seed = (seed * 1103515245 + 12345) >>> 0) % 0xd7ff))).join('');
      tried++;
      const r = await ask(() => sa, `/recommend?history=${junk}&topN=${junk}&user=${junk}`);
      assert.ok(r.status === 400 || r.status === 200, `junk ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      clean++;
    }
  }
});

test('per-user MIND: &user= is served and required', async () => {
  const a = await ask(() => mind, '/recommend?history=m1,m5,m9,m13&topN=10&user=alice');
  assert.is(a.status, 200, JSON.stringify(a.body));
  const again = await ask(() => mind, '/recommend?history=m1,m5,m9,m13&topN=10&user=alice');
  assert.equal(again.body, a.body, 'same user, same list');
  const direct = mind.recommend(['m1', 'm5', 'm9', 'm13'], { topN: 10, user: 'alice' }).map((r) => r.item);
  assert.equal((a.body.items as { item: string }[]).map((r) => r.item), direct);
  await expectError(() => mind, '/recommend?history=m1,m5', 400, /missing user: this model routes per user; add &user=ID/);
  // The user parameter is ignored by models without per-user routing.
  assert.is((await ask(() => sa, '/recommend?history=m1&user=bob')).status, 200);
});

test('a checkpoint that fails to load answers 500 naming the file and the problem', async () => {
  const good = sa.toBytes();
  const huge = mutate(good, (m) => editJson(m, 'config', (c) => { c.dim = 1e6; }));
  await expectError(() => Recommender.fromBytes(huge, 'model.safetensors'), '/recommend?history=m1', 500, /model failed to load: .*model\.safetensors.*config\.dim/);
  const nan = mutate(good, () => {}, (t) => { const e = t.get('param.item_emb')!; new Float32Array(e.bytes.buffer, e.bytes.byteOffset, 20)[17] = NaN; });
  await expectError(() => Recommender.fromBytes(nan, 'nan.safetensors'), '/recommend?history=m1', 500, /model failed to load: .*nan\.safetensors: tensor param\.item_emb holds NaN at index 17/);
  const { tried: t, clean: c } = tallySoFar();
  console.log(`bad-input http: ${tried} requests, ${clean} clean answers (suite so far: ${t + tried} cases, ${c + clean} clean)`);
});

test.run();
