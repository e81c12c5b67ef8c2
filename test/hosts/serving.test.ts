// Serving at the edge with the shipped examples: a model trained by the real CLI (`mirec train
// --out`) is served unchanged by examples/worker (bundled as wrangler does, in workerd, checkpoint
// as a Data module), examples/deno, examples/bun and examples/node (checkpoint path on the
// command line) and examples/browser (esbuild --bundle --platform=browser, checkpoint fetched),
// each importing `mirec` by name from a consumer project; each answers exactly Node's
// `Recommender.recommend` top-10 for two histories (same ids in the same order, scores within
// 1e-5), plus the 400 JSON errors for bad requests. The page is typed into, clicked and
// screenshotted. Needs the compiled dist/ (npm test builds it first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { init, Recommender } from '../../dist/node.js';
import * as esbuild from 'esbuild';
import { CHROMIUM, withBrowserPage } from './hosts.js';
import { decodePng, exampleProject, getJson, inkRows, startBun, startDeno, startNode, startWorkerd, trainSmallModel, type Server } from './serve-hosts.js';

interface Case {
  name: string;
  history: string[];
  filterHistory: boolean;
  unknown: string[];
  expected: { item: string; score: number }[];
}

const dir = mkdtempSync(join(tmpdir(), 'mirec-serve-'));
let checkpoint = '';
let project = '';
let checkpointSha = '';
const cases: Case[] = [];
const UNKNOWN = 'no-such-item';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const query = (c: Case) =>
  `/recommend?history=${encodeURIComponent(c.history.join(','))}&topN=10${c.filterHistory ? '&filterHistory=1' : ''}`;

function assertSameList(host: string, c: Case, got: { items: { item: string; score: number }[]; unknown: string[] }) {
  assert.equal(got.items.map((r) => r.item), c.expected.map((r) => r.item), `${host}, ${c.name}: item ids`);
  got.items.forEach((r, i) => {
    const d = Math.abs(r.score - c.expected[i].score);
    assert.ok(d <= 1e-5, `${host}, ${c.name}: score of ${r.item} is ${r.score}, Node says ${c.expected[i].score}`);
  });
  assert.equal(got.unknown, c.unknown, `${host}, ${c.name}: unknown ids`);
}

/** The same requests against any HTTP host: both histories, then every 400 and the 404. */
async function checkServer(host: string, server: Server) {
  for (const c of cases) {
    const r = await getJson(server.url + query(c));
    assert.is(r.status, 200, `${host}, ${c.name}: ${JSON.stringify(r.body)}`);
    assert.match(r.type, /application\/json/);
    assertSameList(host, c, r.body);
  }
  const bad: [string, RegExp, string[]?][] = [
    ['/recommend', /missing history/],
    ['/recommend?history=', /empty history/],
    ['/recommend?history=%20,%20,', /empty history/],
    [`/recommend?history=${UNKNOWN},also-unknown&topN=10`, /unknown history: none of the 2 ids/, [UNKNOWN, 'also-unknown']],
    [`/recommend?history=${encodeURIComponent(cases[0].history.join(','))}&topN=0`, /topN must be an integer/],
  ];
  for (const [path, message, unknown] of bad) {
    const r = await getJson(server.url + path);
    assert.is(r.status, 400, `${host} ${path}: status ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.type, /application\/json/);
    assert.type(r.body.error, 'string');
    assert.match(r.body.error, message, `${host} ${path}`);
    if (unknown) assert.equal(r.body.unknown, unknown);
    assert.not.ok('items' in r.body);
  }
  const nf = await getJson(server.url + '/nope');
  assert.is(nf.status, 404);
  assert.match(nf.body.error, /GET \/recommend/);
}

async function withServer(host: string, start: () => Promise<Server>) {
  const server = await start();
  try {
    await checkServer(host, server);
  } finally {
    await server.stop();
  }
}

test.before(async () => {
  const trained = await trainSmallModel(dir);
  checkpoint = trained.checkpoint;
  assert.ok(existsSync(checkpoint), `mirec train wrote no checkpoint: ${trained.log}`);
  checkpointSha = sha(checkpoint);
  project = exampleProject(dir);
  await init();
  const rec = await Recommender.load(checkpoint);
  const users = [...trained.sequences.entries()].filter(([, s]) => s.length >= 12);
  const [, a] = users[0], [, b] = users[Math.floor(users.length / 2)];
  const h1 = a.slice(0, 8);
  const h2 = [...b.slice(0, 3), UNKNOWN, ...b.slice(3, 6)];
  cases.push(
    { name: 'history 1', history: h1, filterHistory: false, unknown: [], expected: rec.recommend(h1, { topN: 10 }) },
    { name: 'history 2 (an unknown id, filterHistory)', history: h2, filterHistory: true, unknown: [UNKNOWN], expected: rec.recommend(h2, { topN: 10, filterHistory: true }) },
  );
  for (const c of cases) assert.is(c.expected.length, 10);
  // The two lists differ, so a host answering one list for everything fails.
  assert.not.equal(cases[0].expected.map((r) => r.item), cases[1].expected.map((r) => r.item));
  // filterHistory took effect in the expected list.
  assert.ok(cases[1].expected.every((r) => !h2.includes(r.item)));
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('workerd: examples/worker with the checkpoint bundled as a Data module', async () => {
  let bytes = 0;
  await withServer('workerd', async () => {
    const s = await startWorkerd(checkpoint, project, dir);
    bytes = s.bytes;
    return s;
  });
  // The Workers entry imports the .wasm module: no ~94 KB of embedded base64 builds.
  const browser = (await esbuild.build({ entryPoints: [join(project, 'examples/browser/app.mjs')], bundle: true, platform: 'browser', write: false, logLevel: 'silent' })).outputFiles[0].contents.length;
  assert.ok(bytes < browser - 90000, `Worker bundle ${bytes} B, browser bundle ${browser} B`);
});

test('deno: examples/deno (Deno.serve) with the checkpoint path on the command line', async () => {
  await withServer('deno', () => startDeno(checkpoint, project));
});

test('bun: examples/bun (Bun.serve) with the checkpoint path on the command line', async () => {
  await withServer('bun', () => startBun(checkpoint, project));
});

test('node: examples/node (node:http) with the checkpoint path on the command line', async () => {
  await withServer('node', () => startNode(checkpoint, project));
});

test('chromium: the page renders the same list, and the screenshot shows it', async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.unreachable(`chromium not found at ${CHROMIUM}; .ci/run installs it`);
    console.warn(`  (chromium not installed at ${CHROMIUM}: run apt-get install chromium; CI installs it)`);
    return;
  }
  const viewport = { width: 900, height: 700 };
  // The browser example as its comment says to build it: esbuild, no flags beyond --bundle --platform=browser.
  const bundle = join(project, 'examples/browser/bundle.js');
  const built = await esbuild.build({ entryPoints: [join(project, 'examples/browser/app.mjs')], bundle: true, platform: 'browser', outfile: bundle, logLevel: 'silent' });
  assert.equal([...built.errors, ...built.warnings], []);
  await withBrowserPage(
    '/examples/browser/index.html',
    async (page) => {
      await page.waitForSelector('body[data-ready]', { timeout: 30000 });
      assert.is(await page.getAttribute('body', 'data-ready'), '1', `model failed: ${await page.textContent('#error')}`);
      assert.match((await page.textContent('#status')) ?? '', /ComiRec|loaded/);
      const submit = async (history: string, filterHistory = false) => {
        await page.fill('#history', history);
        await page.fill('#topN', '10');
        await page.setChecked('#filterHistory', filterHistory);
        await page.click('#go');
        await page.waitForSelector('#list[data-done="1"]', { state: 'attached', timeout: 10000 });
      };
      const readList = () =>
        page.$$eval('#list li', (lis) => lis.map((li) => ({ item: (li as HTMLElement).dataset.item!, score: Number((li as HTMLElement).dataset.score) })));

      const blank = decodePng(await page.screenshot());
      for (const c of cases) {
        await submit(c.history.join(','), c.filterHistory);
        assert.is(await page.textContent('#error'), '', `${c.name}: page error`);
        assertSameList('chromium', c, { items: await readList(), unknown: JSON.parse((await page.getAttribute('#list', 'data-unknown')) ?? 'null') });
        if (c.unknown.length) assert.match((await page.textContent('#status')) ?? '', `ignored 1 unknown id(s): ${UNKNOWN}`);
        // The rendered text matches the data: item id then score to 5 decimals.
        const first = await page.textContent('#list li:first-child');
        assert.is(first, `${c.expected[0].item}${c.expected[0].score.toFixed(5)}`);
      }

      // Screenshot of the last list: full viewport, the list box inside it, one inked text
      // line per item where the blank page (before any click) had no ink at all.
      const shot = decodePng(await page.screenshot());
      assert.is(shot.width, viewport.width);
      assert.is(shot.height, viewport.height);
      const box = await page.locator('#list').boundingBox();
      assert.ok(box && box.height > 0 && box.y + box.height <= viewport.height, `list box ${JSON.stringify(box)} not inside the viewport`);
      for (const li of await page.locator('#list li').all()) assert.ok(await li.isVisible());
      const after = inkRows(shot, box!), before = inkRows(blank, box!);
      assert.is(before.inkPixels, 0, 'the list area was not blank before the first click');
      assert.is(after.lines, 10, `expected 10 rendered lines in the list area, saw ${after.lines}`);
      assert.ok(after.inkPixels > 10 * 50, `only ${after.inkPixels} ink pixels in the list`);

      // Bad input is reported on the page, and the list is cleared.
      for (const [history, message] of [[`${UNKNOWN},also-unknown`, /error 400: unknown history/], [' , ', /error 400: empty history/]] as const) {
        await submit(history);
        assert.match((await page.textContent('#error')) ?? '', message);
        assert.is(await page.locator('#list li').count(), 0);
      }
    },
    { files: { '/model.safetensors': checkpoint, '/examples/browser/bundle.js': bundle }, viewport },
  );
});

test('the checkpoint was served unchanged', () => {
  assert.is(sha(checkpoint), checkpointSha);
});

test.run();
