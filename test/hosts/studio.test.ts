// The studio in headless Chromium, served by `mirec studio`'s server: load the synthetic 'tiny'
// preset, train ComiRec-SA in the Web Worker (charts fill, validation Recall@50 beats
// MostPopular's), inspect a test user (K interest panels with their weights and top items), move
// the λ slider (the list re-ranks towards more categories, the sweep chart gains points), draw
// the interest map, save a checkpoint (Node's loader and `mirec recommend` give the page's list)
// and open it again from the file and from a URL (identical lists); `mirec train --resume` continues
// the page's saved run from its step (other options or data refused); then a gzipped MovieLens file
// with titles, every other model, and stop/resume. Screenshots are decoded and checked to show
// something; they are kept in .tmp/test-output/studio/. No request leaves the loopback server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Recommender } from '../../src/serve/recommender.js';
import { init } from '../../src/engine/load.js';
import { CHROMIUM, ROOT } from './hosts.js';
import { decodePng } from './serve-hosts.js';
import { closeStudio, loadPreset, mergedList, openStudio, trainInPage, type StudioSession } from './studio-page.js';

const OUT = join(ROOT, '.tmp', 'test-output', 'studio');

/** Save a screenshot and check it is not blank: many distinct colours, a good share of ink. */
function keepScreenshot(name: string, png: Buffer): void {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, name), png);
  const img = decodePng(png);
  const colours = new Set<number>();
  let ink = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    const [r, g, b] = [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]];
    if (colours.size < 5000) colours.add((r << 16) | (g << 8) | b);
    if (r + g + b < 600) ink++;
  }
  const share = ink / (img.width * img.height);
  assert.ok(colours.size > 50, `${name}: only ${colours.size} colours`);
  assert.ok(share > 0.02, `${name}: ${(100 * share).toFixed(2)} % ink`);
}

const skip = () => {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) assert.unreachable(`chromium not found at ${CHROMIUM}; .ci/run installs it`);
  console.warn(`  (chromium not installed at ${CHROMIUM}: run apt-get install chromium; CI installs it)`);
  return true;
};

let checkpoint = '';
let history: string[] = [];
let listAtZero: { item: string; score: number; category?: string }[] = [];

test('studio: train ComiRec-SA, inspect, re-rank with λ, map, save and reopen', async () => {
  if (skip()) return;
  const s: StudioSession = await openStudio();
  const { page } = s;
  try {
    assert.match((await page.textContent('#engine')) ?? '', /engine: wasm-simd, \d threads? \(cross-origin isolated/);
    await loadPreset(page, 'tiny');
    assert.match((await page.textContent('#data-stats')) ?? '', /200 users, 200 items, 4,130 events/);
    const users = await page.$$eval('#user option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    assert.ok(users.length >= 10, `${users.length} test users`);

    const run = await trainInPage(page, { model: 'comirec-sa', dim: 32, batch: 64, seqLen: 20, maxSteps: 300, evalEvery: 50 });
    assert.is(run.stoppedBy, 'maxSteps', run.status);
    assert.ok(run.bestRecall50 > run.baselineRecall50, `validation Recall@50 ${run.bestRecall50} vs MostPopular ${run.baselineRecall50}`);
    assert.ok(run.stepsPerSec > 0);
    console.log(`  studio: ${run.stepsPerSec.toFixed(1)} steps/s in the page (tiny preset, D 32, B 64, T 20)`);
    const count = (chart: string, series: string) => page.$eval(`#${chart} polyline[data-series="${series}"]`, (p) => Number((p as SVGElement).dataset.count));
    assert.is(await count('loss-chart', 'loss'), 30);
    assert.is(await count('valid-chart', 'Recall@50'), 6);
    assert.is(await count('valid-chart', 'HR@50'), 6);
    assert.is(await count('valid-chart', 'MostPopular R@50'), 2);
    keepScreenshot('trained.png', await page.screenshot());

    // Inspect the first test user: four interest panels, each with history weights and top items.
    await page.click('#inspect-user');
    await page.waitForSelector('#interest-panels');
    assert.is(await page.locator('#interest-panels .panel').count(), 4);
    const n = await page.locator('#history-list li').count();
    assert.is(await page.locator('#interest-panels .panel .weights .bar').count(), 4 * Math.min(6, n));
    for (const panel of await page.locator('#interest-panels .panel').all()) assert.is(await panel.locator('ol li').count(), 8);
    assert.is(await page.locator('#merged li').count(), 20);
    assert.match((await page.textContent('#inspect-summary')) ?? '', /User \S+: \d+ of \d+ held-out items in the top-20/);
    history = await page.$$eval('#history-list li', (lis) => lis.map((li) => (li as HTMLElement).dataset.item!));
    listAtZero = await mergedList(page);

    // λ: the sweep sets the slider's range; at its top the list re-ranks towards more categories.
    await page.waitForFunction(() => Number((document.querySelector('#sweep-chart') as SVGElement).dataset.points) >= 18, undefined, { timeout: 30000 });
    const max = await page.$eval('#lambda', (el) => (el as HTMLInputElement).max);
    await page.$eval('#lambda', (el) => { const i = el as HTMLInputElement; i.value = i.max; i.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForSelector(`#merged[data-lambda="${max}"]`);
    const diverse = await mergedList(page);
    const cats = (l: { category?: string }[]) => new Set(l.map((x) => x.category)).size;
    assert.not.equal(diverse.map((x) => x.item), listAtZero.map((x) => x.item));
    assert.ok(cats(diverse) > cats(listAtZero), `categories ${cats(listAtZero)} → ${cats(diverse)}`);
    await page.waitForFunction(() => Number((document.querySelector('#sweep-chart polyline[data-series="at the slider: recall"]') as SVGElement)?.dataset.count) >= 1, undefined, { timeout: 30000 });

    // The map, with the four interests drawn on it.
    await page.click('#map-go');
    await page.waitForSelector('#map-canvas[data-drawn="1"]');
    assert.is(await page.getAttribute('#map-canvas', 'data-interests'), '4');
    keepScreenshot('inspected.png', await page.screenshot({ fullPage: true }));

    // Save: Node's loader reads the download and serves the page's λ = 0 list.
    await page.$eval('#lambda', (el) => { const i = el as HTMLInputElement; i.value = '0'; i.dispatchEvent(new Event('input', { bubbles: true })); });
    await page.waitForSelector('#merged[data-lambda="0"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    checkpoint = join(OUT, 'studio.safetensors');
    await download.saveAs(checkpoint);
    await init();
    const rec = Recommender.fromBytes(readFileSync(checkpoint), checkpoint);
    const node = rec.recommend(history, { topN: 20 });
    assert.equal(node.map((r) => r.item), listAtZero.map((r) => r.item));
    for (let i = 0; i < 20; i++) assert.ok(Math.abs(node[i].score - listAtZero[i].score) < 1e-5);
    // The command line reads the page's file too.
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'recommend', '--checkpoint', checkpoint, '--history', history.join(','), '--top-n', '20'], { cwd: ROOT, encoding: 'utf8' });
    assert.is(cli.status, 0, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { recommendations: { item: string }[] }).recommendations.map((r) => r.item), listAtZero.map((r) => r.item));

    // Open the file again in the page: the same list, score for score.
    await page.setInputFiles('#ck-file', checkpoint);
    await page.waitForSelector('#ck-status[data-loaded]');
    await page.click('#inspect-user');
    await page.waitForSelector('#merged[data-lambda="0"]');
    assert.equal(await mergedList(page), listAtZero);
    assert.equal(s.errors, [], 'no console or page errors');
    const origin = new URL(s.server.url).origin;
    assert.ok(s.requests.every((u) => u.startsWith(origin) || u.startsWith('blob:') || u.startsWith('data:')), `requests outside the server: ${s.requests.filter((u) => !u.startsWith(origin))}`);
  } finally {
    await closeStudio(s);
  }
});

test('studio → CLI: `mirec train --resume` continues the run the page saved', async () => {
  if (skip() || !checkpoint) return;
  // The page trained on the tiny preset (no filter, split seed 1230); the same events as a file.
  const ev = generateSynthetic('tiny').events;
  const lines: string[] = [];
  for (let i = 0; i < ev.length; i++) lines.push(`${ev.userIds[ev.user[i]]}\t${ev.itemIds[ev.item[i]]}\t4\t${1e9 + ev.time[i]}`);
  const data = join(OUT, 'tiny.tsv');
  writeFileSync(data, lines.join('\n') + '\n');
  const out = join(OUT, 'resumed.safetensors'), report = join(OUT, 'resumed.json');
  rmSync(out, { force: true });
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'train', '--data', data, '--no-filter', '--dim', '32', '--batch', '64', '--seq-len', '20', '--eval-every', '50', '--patience', '100', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const r = cli('--resume', checkpoint, '--max-steps', '400', '--out', out, '--report', report);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /resumed .*studio\.safetensors at step 300/);
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  assert.is(rep.status, 'finished');
  assert.is(rep.training.steps, 400, 'trained from step 300 to 400');
  assert.ok(rep.training.lossCurve.every((p: { step: number }) => p.step > 300), 'no step before the saved one was run again');
  const resumed = Recommender.fromBytes(readFileSync(out), out);
  assert.equal(resumed.vocab.ids, Recommender.fromBytes(readFileSync(checkpoint), checkpoint).vocab.ids);
  assert.is(resumed.recommend(history, { topN: 20 }).length, 20);
  // Other options or other data are refused before any step, naming what differs.
  const dim = cli('--resume', checkpoint, '--max-steps', '400', '--dim', '16');
  assert.is(dim.status, 2, dim.stderr);
  assert.match(dim.stderr, /--resume: .*different model config \(dim/);
  const split = cli('--resume', checkpoint, '--max-steps', '400', '--split-seed', '7');
  assert.is(split.status, 2, split.stderr);
  assert.match(split.stderr, /--resume .*studio\.safetensors: trained on another item vocabulary than this data's/);
});

test('studio: ?checkpoint= opens a served checkpoint; a typed history gets the same list', async () => {
  if (skip() || !checkpoint) return;
  const s = await openStudio({ checkpoint, query: '?checkpoint=checkpoint.safetensors' });
  const { page } = s;
  try {
    await page.waitForSelector('#ck-status[data-loaded]', { timeout: 30000 });
    assert.match((await page.textContent('#ck-status')) ?? '', /ComiRecSA\(D=32, K=4, T=20/);
    await page.fill('#history', history.join(', '));
    await page.click('#inspect-history');
    await page.waitForSelector('#merged[data-lambda="0"]');
    const got = await mergedList(page);
    assert.equal(got.map((x) => [x.item, x.score]), listAtZero.map((x) => [x.item, x.score]));
    assert.is(await page.locator('#interest-panels .panel').count(), 4);
    keepScreenshot('checkpoint-url.png', await page.screenshot());
    // A bad URL is reported on the page, not thrown.
    await page.fill('#ck-url', 'missing.safetensors');
    await page.click('#ck-url-go');
    await page.waitForSelector('#error:not([hidden])');
    assert.match((await page.textContent('#error')) ?? '', /missing\.safetensors: HTTP 404/);
  } finally {
    await closeStudio(s);
  }
});

test('studio: a gzipped MovieLens file with movies.csv titles; every model trains and explains; stop and resume', async () => {
  if (skip()) return;
  // ratings.csv.gz and movies.csv made from the tiny preset (titles with commas and quotes).
  mkdirSync(OUT, { recursive: true });
  const ev = generateSynthetic('tiny').events;
  const lines = ['userId,movieId,rating,timestamp'];
  for (let e = 0; e < ev.length; e++) lines.push(`${ev.userIds[ev.user[e]]},${ev.itemIds[ev.item[e]]},4.0,${1e9 + e}`);
  writeFileSync(join(OUT, 'ratings.csv.gz'), gzipSync(lines.join('\n') + '\n'));
  const genres = ['Action', 'Comedy', 'Drama', 'Horror', 'Sci-Fi'];
  const movies = ['movieId,title,genres', ...ev.itemIds.map((id, i) => `${id},"Film ${id}, ""the sequel"" (${1990 + (i % 30)})",${genres[i % 5]}|${genres[(i + 2) % 5]}`)];
  writeFileSync(join(OUT, 'movies.csv'), movies.join('\n') + '\n');
  const s = await openStudio();
  const { page } = s;
  try {
    await page.setInputFiles('#data-file', join(OUT, 'ratings.csv.gz'));
    await page.waitForSelector('#data-stats[data-loaded="1"]');
    const stats = (await page.textContent('#data-stats')) ?? '';
    assert.match(stats, /ratings\.csv\.gz \(movielens-csv\)/);
    assert.match(stats, /4,130 events from 4,131 lines/);
    await page.setInputFiles('#cat-file', join(OUT, 'movies.csv'));
    await page.waitForFunction(() => /movies\.csv: \d+ categories, 200 titles/.test(document.querySelector('#data-stats')?.textContent ?? ''));
    const panels: Record<string, number> = { 'comirec-dr': 4, mind: 4, sine: 4, 'youtube-dnn': 1, 'most-popular': 0 };
    for (const [model, k] of Object.entries(panels)) {
      const run = await trainInPage(page, { model, dim: 16, batch: 32, seqLen: 20, maxSteps: 20, evalEvery: 10 });
      assert.ok(run.stoppedBy === 'maxSteps' || model === 'most-popular', `${model}: ${run.status}`);
      await page.click('#inspect-user');
      await page.waitForFunction((m) => document.querySelector('#inspect-summary')?.textContent?.startsWith(m), model === 'most-popular' ? 'MostPopular' : model === 'youtube-dnn' ? 'YouTubeDNN' : model === 'comirec-dr' ? 'ComiRecDR' : model.toUpperCase());
      assert.is(await page.locator('#interest-panels .panel').count(), k, model);
      assert.is(await page.locator('#merged li').count(), 20, model);
      assert.match((await page.textContent('#merged li')) ?? '', /Film \S+, "the sequel" \(\d{4}\)/, `${model}: titles shown`);
      if (k) assert.ok((await page.locator('#interest-panels .panel:not(.inactive)').count()) >= 1);
    }
    assert.match((await page.textContent('#inspect-out')) ?? '', /MostPopular\(items=\d+\) has no interests to show/);

    // Stop and resume: the step count carries on from where the stop left it.
    await page.selectOption('#model', 'comirec-sa');
    await page.fill('#max-steps', '100000');
    await page.fill('#eval-every', '50');
    await page.click('#train-go');
    const step = () => page.$eval('#train-status', (el) => Number(/step ([\d,]+):/.exec(el.textContent ?? '')?.[1].replace(/,/g, '') ?? 0));
    await page.waitForFunction(() => /step ([6-9]\d|\d{3,}):/.test(document.querySelector('#train-status')?.textContent ?? ''), undefined, { timeout: 60000 });
    await page.click('#train-stop');
    await page.waitForSelector('#train-status[data-done="stopped"]');
    assert.match((await page.textContent('#train-status')) ?? '', /stopped at step (\d+); fit again to continue/);
    const stoppedAt = Number(/stopped at step (\d+)/.exec((await page.textContent('#train-status'))!)![1]);
    assert.ok(await page.isEnabled('#train-resume'));
    await page.click('#train-resume');
    await page.waitForFunction((n) => { const m = /step ([\d,]+):/.exec(document.querySelector('#train-status')?.textContent ?? ''); return !!m && Number(m[1].replace(/,/g, '')) > n + 20; }, stoppedAt, { timeout: 60000 });
    assert.ok((await step()) > stoppedAt);
    await page.click('#train-stop');
    await page.waitForSelector('#train-status[data-done="stopped"]');
    assert.ok(Number(/stopped at step (\d+)/.exec((await page.textContent('#train-status'))!)![1]) > stoppedAt + 20);
    assert.ok((await page.$eval('#loss-chart polyline[data-series="loss"]', (p) => Number((p as SVGElement).dataset.count))) >= 8, 'the loss curve continues across the stop');
    keepScreenshot('movielens-file.png', await page.screenshot({ fullPage: true }));
    assert.equal(s.errors, []);
  } finally {
    await closeStudio(s);
  }
});

test.run();
