// The consumer test (`npm run test:package`): what someone holding only the npm tarball gets.
// `npm pack`, the tarball installed into a fresh project (no registry: mirec has no runtime
// dependency), then: the `mirec` command (--version, --help, demo --quick, exit codes); every
// ```ts block of the shipped README.md and docs/*.md type-checked with tsc --strict (lib ES2022,
// types []) and run as written (doc-blocks.ts: the attribute convention); a browser entry
// bundled by `esbuild --bundle --platform=browser` with no other flag and run in headless
// Chromium; the same entry built by `vite build` (no config, no warning about node: modules) and
// run in Chromium; Node, Deno and Bun importing `mirec` by name (same list everywhere); the shipped
// Worker example serving a checkpoint in workerd, and bundled by `wrangler deploy --dry-run` (no
// warning, no base64 copy of the kernels) with wrangler's own bundle served by workerd.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docBlocks, type DocBlock } from './doc-blocks.js';
import { CHROMIUM, freePort, withBrowserPage } from '../hosts/hosts.js';
import { bundleWorker, startWorkerdConfig } from '../hosts/worker-example.js';
import { viteApp, wranglerWorkerdConfig } from './bundler-apps.js';

const execP = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', DENO_NO_UPDATE_CHECK: '1', npm_config_update_notifier: 'false' };
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

const dir = mkdtempSync(join(tmpdir(), 'mirec-consumer-'));
const project = join(dir, 'project');
const installed = join(project, 'node_modules', 'mirec');

interface Run { code: number; stdout: string; stderr: string }
async function run(cmd: string, args: string[], opts: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  try {
    const r = await execP(cmd, args, { cwd: opts.cwd ?? project, env: { ...env, ...opts.env }, timeout: opts.timeout ?? 120_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof x.code !== 'number') throw new Error(`${cmd} ${args.join(' ')}: ${x.message}\n${x.stderr ?? ''}`);
    return { code: x.code, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}
// The installed command through its bin link, as `npx mirec` finds it (npx itself is left out:
// it may consult the registry, and this test needs none).
const mirec = (...args: string[]) => run(join(project, 'node_modules', '.bin', 'mirec'), args);

// No step of this file may hang the CI: every child has a timeout, and the whole file gets 20 min.
const watchdog = setTimeout(() => {
  console.error('consumer test: still running after 20 min; giving up');
  process.exit(1);
}, 20 * 60_000);
watchdog.unref();

let nodeProbe = '';

test.before(async () => {
  mkdirSync(project, { recursive: true });
  const pack = await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT });
  assert.is(pack.code, 0, pack.stderr);
  const tarball = join(dir, pack.stdout.trim().split('\n').pop()!);
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  const inst = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--offline', '--silent']);
  assert.is(inst.code, 0, `npm install of the tarball: ${inst.stderr}`);
  for (const f of ['probe.mjs', 'run-probe.mjs', 'browser-probe.mjs']) copyFileSync(join(ROOT, 'test/consumer', f), join(project, f));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the tarball: dist, docs, examples, README and LICENSE; no test/ or src/', () => {
  for (const p of ['dist/index.js', 'dist/node.js', 'dist/index.workerd.js', 'dist/mirec-simd.wasm', 'dist/index.d.ts', 'docs', 'examples/worker/wrangler.toml', 'README.md', 'LICENSE']) {
    assert.ok(existsSync(join(installed, p)), `the package lacks ${p}`);
  }
  assert.not.ok(existsSync(join(installed, 'test')));
  assert.not.ok(existsSync(join(installed, 'src')));
});

test('npx mirec --version, --help, demo --quick, and the exit codes', async () => {
  const v = await mirec('--version');
  assert.is(v.code, 0, v.stderr);
  assert.is(v.stdout.trim(), VERSION);
  const h = await mirec('--help');
  assert.is(h.code, 0, h.stderr);
  assert.match(h.stdout, /Usage: mirec <command>/);
  for (const c of ['demo', 'train', 'eval', 'recommend', 'data']) assert.match(h.stdout, new RegExp(`^  ${c} `, 'm'));
  const d = await mirec('demo', '--quick');
  assert.is(d.code, 0, d.stderr);
  for (const m of ['comirec-sa', 'youtube-dnn', 'most-popular']) assert.match(d.stdout, m);
  assert.match(d.stdout, /Recall@50/);
  const bad = await mirec('nonsense');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown command "nonsense"/);
  const flag = await mirec('demo', '--no-such-flag');
  assert.is(flag.code, 2);
  // Bad input data: a non-zero exit and a message naming the file.
  writeFileSync(join(dir, 'garbage.csv'), 'garbage\n');
  const garbage = await mirec('train', '--data', join(dir, 'garbage.csv'));
  // An unusable input named by a flag is a usage error (2), as `mirec --help` says.
  assert.match(h.stdout, /^ {2}2 +usage error \(.*an input file that is missing, unreadable or malformed\)$/m);
  assert.is(garbage.code, 2, `unreadable data exits ${garbage.code}`);
  assert.match(garbage.stderr, /garbage\.csv.*cannot detect the format/);
  const missing = await mirec('train', '--data', join(dir, 'no-such-file.csv'));
  assert.is(missing.code, 2, `a missing data file exits ${missing.code}`);
  assert.match(missing.stderr, /no-such-file\.csv/);
});

// ---- README.md and docs/*.md, as shipped ----
let blocks: DocBlock[] = [];

test('every ```ts block of README.md and docs/*.md type-checks with tsc --strict (lib ES2022, types [])', async () => {
  const docs = [join(installed, 'README.md'), ...readdirSync(join(installed, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(installed, 'docs', f))];
  blocks = docs.flatMap((f) => docBlocks(f.slice(installed.length + 1), readFileSync(f, 'utf8')));
  assert.ok(blocks.length >= 3, `only ${blocks.length} ts blocks found`);
  const bdir = join(project, 'blocks');
  mkdirSync(bdir, { recursive: true });
  const files = blocks.map((b, i) => {
    const name = `b${i}-${b.file.replace(/[^a-z0-9]+/gi, '-')}.ts`;
    // A block with no import would be a script, not a module: top-level await needs a module.
    writeFileSync(join(bdir, name), /^\s*(import|export)\s/m.test(b.code) ? b.code : `${b.code}export {};\n`);
    return name;
  });
  // lib ES2022 has no console: the blocks may print, so the checker declares it (nothing else).
  writeFileSync(join(bdir, 'console.d.ts'), 'declare const console: { log(...data: unknown[]): void; error(...data: unknown[]): void };\n');
  writeFileSync(join(bdir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [], strict: true, skipLibCheck: false, outDir: 'out', rootDir: '.' },
    files: ['console.d.ts', ...files],
  }, null, 2));
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', bdir]);
  const where = (msg: string) => msg.replace(/b(\d+)-[^(]*\.ts\((\d+),(\d+)\)/g, (_, i, l) => `${blocks[Number(i)].file}:${blocks[Number(i)].line + Number(l)}`);
  assert.is(tsc.code, 0, `tsc:\n${where(tsc.stdout + tsc.stderr)}`);
});

test('the library blocks run as written (Node, from the consumer project)', async () => {
  const needsModel = blocks.some((b) => b.run && b.needs.includes('model.safetensors'));
  const rdir = join(project, 'run');
  mkdirSync(rdir, { recursive: true });
  if (needsModel) {
    const t = await run(process.execPath, [join(installed, 'examples/train-model.mjs'), join(rdir, 'model.safetensors')]);
    assert.is(t.code, 0, t.stderr);
  }
  let ran = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b.run) continue;
    const js = join(project, 'blocks', 'out', `b${i}-${b.file.replace(/[^a-z0-9]+/gi, '-')}.js`);
    const copy = join(rdir, `block-${i}.mjs`);
    copyFileSync(js, copy);
    let server: { stop(): Promise<void>; url: string } | null = null;
    if (b.needs.includes('server')) server = await startNodeServer(join(rdir, 'model.safetensors'));
    try {
      const r = await run(process.execPath, [copy], { cwd: rdir, env: server ? { MIREC_URL: server.url } : {} });
      assert.is(r.code, 0, `${b.file}:${b.line} exited ${r.code}:\n${r.stderr}`);
    } finally {
      await server?.stop();
    }
    ran++;
  }
  assert.ok(ran >= 2, `only ${ran} blocks ran`);
});

async function startNodeServer(checkpoint: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(installed, 'examples/node/server.mjs'), checkpoint, '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node server: no URL in 20 s: ${out}`)), 20000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.once('exit', (c) => { clearTimeout(timer); reject(new Error(`node server exited ${c}`)); });
  });
  return { url, stop: () => new Promise<void>((r) => { child.once('exit', () => r()); child.kill(); }) };
}

// ---- the same program in every host ----
test('Node, Deno and Bun import mirec by name and print the same recommendations', async () => {
  const n = await run(process.execPath, ['run-probe.mjs']);
  assert.is(n.code, 0, n.stderr);
  nodeProbe = n.stdout.trim().split('\n').pop()!;
  const parsed = JSON.parse(nodeProbe);
  assert.is(parsed.items.length, 5);
  assert.is(parsed.backend, 'wasm-simd');
  const deno = await run(bin('deno'), ['run', '--allow-read', '--allow-env', 'run-probe.mjs']);
  assert.is(deno.code, 0, deno.stderr);
  assert.is(deno.stdout.trim().split('\n').pop(), nodeProbe, 'Deno');
  const bun = await run(bin('bun'), ['run-probe.mjs']);
  assert.is(bun.code, 0, bun.stderr);
  assert.is(bun.stdout.trim().split('\n').pop(), nodeProbe, 'Bun');
});

test('esbuild --bundle --platform=browser (no other flag) bundles mirec; the bundle runs in Chromium', async () => {
  const b = await run(bin('esbuild'), ['browser-probe.mjs', '--bundle', '--platform=browser', '--outfile=web/bundle.js']);
  assert.is(b.code, 0, b.stderr);
  assert.not.match(b.stderr, /warning/i, b.stderr);
  writeFileSync(join(project, 'web/index.html'), '<!doctype html><meta charset="utf-8"><pre id="result"></pre><script src="bundle.js"></script>\n');
  const size = readFileSync(join(project, 'web/bundle.js')).length;
  console.log(`  browser bundle of the probe: ${size} B`);
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.unreachable(`chromium not found at ${CHROMIUM}; .ci/run installs it`);
    console.warn(`  (chromium not installed at ${CHROMIUM}: the bundle was built but not run)`);
    return;
  }
  const text = await withBrowserPage('/web/index.html', async (page) => {
    await page.waitForSelector('#result[data-done="1"]', { timeout: 120000 });
    return (await page.textContent('#result')) ?? '';
  }, { files: { '/web/index.html': join(project, 'web/index.html'), '/web/bundle.js': join(project, 'web/bundle.js') } });
  assert.not.match(text, /^error/, text);
  assert.is(text, nodeProbe, 'Chromium computes what Node computes');
});

test('vite build (no config) bundles mirec without node: warnings; the page runs in Chromium', async () => {
  // The browser entry of the esbuild test, as a Vite app: index.html + a module script.
  const app = viteApp(project);
  const out = join(project, 'vite-dist');
  const b = await run(bin('vite'), ['build', '--outDir', out, '--emptyOutDir', '--logLevel', 'info'], { cwd: app, timeout: 240_000 });
  const log = b.stdout + b.stderr;
  assert.is(b.code, 0, log);
  assert.not.match(log, /node:|externalized|warn/i, log);
  const assets = readdirSync(join(out, 'assets'));
  const size = assets.reduce((n, f) => n + readFileSync(join(out, 'assets', f)).length, 0);
  console.log(`  vite build of the probe: ${assets.length} assets, ${size} B`);
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) assert.unreachable(`chromium not found at ${CHROMIUM}; .ci/run installs it`);
    console.warn(`  (chromium not installed at ${CHROMIUM}: the Vite app was built but not run)`);
    return;
  }
  // Vite's page asks for /assets/NAME (its default base '/').
  const files: Record<string, string> = { '/index.html': join(out, 'index.html') };
  for (const f of assets) files[`/assets/${f}`] = join(out, 'assets', f);
  const text = await withBrowserPage('/index.html', async (page) => {
    await page.waitForSelector('#result[data-done="1"]', { timeout: 120000 });
    return (await page.textContent('#result')) ?? '';
  }, { files });
  assert.not.match(text, /^error/, text);
  assert.is(text, nodeProbe, 'the Vite build computes what Node computes');
});

// The Worker test's checkpoint, history and expected list, for the wrangler test after it.
let workerCase: { dir: string; history: string; expected: string[] } | null = null;

test('the shipped Worker example serves a checkpoint in workerd', async () => {
  // A user copies the example next to their checkpoint; its `mirec` is the installed package.
  const worker = join(project, 'worker');
  cpSync(join(installed, 'examples/worker'), worker, { recursive: true });
  cpSync(join(installed, 'examples/shared'), join(project, 'shared'), { recursive: true });
  const checkpoint = join(project, 'worker/model.safetensors');
  const t = await run(process.execPath, [join(installed, 'examples/train-model.mjs'), checkpoint]);
  assert.is(t.code, 0, t.stderr);
  const history = /history=([^&\s]+)/.exec(t.stdout)![1];
  const port = await freePort();
  const out = join(dir, 'worker-out');
  mkdirSync(out, { recursive: true });
  const { bytes } = await bundleWorker(worker, checkpoint, out, port);
  console.log(`  Worker bundle (wasm as a module, no base64): ${bytes} B`);
  const server = await startWorkerdConfig(bin('workerd'), join(out, 'config.capnp'), port);
  try {
    const res = await fetch(`${server.url}/recommend?history=${history}&topN=10`, { signal: AbortSignal.timeout(30_000) });
    const body = await res.json() as { items: { item: string; score: number }[]; unknown: string[] };
    assert.is(res.status, 200, JSON.stringify(body));
    assert.is(body.items.length, 10);
    assert.equal(body.unknown, []);
    const expected = await run(process.execPath, ['--input-type=module', '-e',
      `import { init, loadRecommender } from 'mirec'; await init(); const r = await loadRecommender(${JSON.stringify(checkpoint)}); console.log(JSON.stringify(r.recommend(${JSON.stringify(history.split(','))}, { topN: 10 }).map((x) => x.item)))`]);
    assert.is(expected.code, 0, expected.stderr);
    assert.equal(body.items.map((r) => r.item), JSON.parse(expected.stdout));
    workerCase = { dir: worker, history, expected: JSON.parse(expected.stdout) };
    const bad = await fetch(`${server.url}/recommend?history=`, { signal: AbortSignal.timeout(30_000) });
    assert.is(bad.status, 400);
  } finally {
    await server.stop();
  }
});

test('wrangler deploy --dry-run bundles the Worker example without warnings or base64 kernels; workerd serves its bundle', async () => {
  assert.ok(workerCase, 'needs the workerd test before it');
  const { dir: worker, history, expected } = workerCase!;
  const out = join(dir, 'wrangler-out');
  // No account, no network: a dry run only bundles. Wrangler's config and logs stay in the temp dir.
  const w = await run(bin('wrangler'), ['deploy', '--dry-run', '--outdir', out], {
    cwd: worker, timeout: 300_000,
    env: { CI: 'true', WRANGLER_SEND_METRICS: 'false', XDG_CONFIG_HOME: join(dir, 'wrangler-config'), WRANGLER_LOG_PATH: join(dir, 'wrangler-logs') },
  });
  const log = w.stdout + w.stderr;
  assert.is(w.code, 0, log);
  assert.match(log, /--dry-run: exiting now/);
  assert.not.match(log, /WARNING|warn|nodejs_compat|node:/i, log);
  const files = readdirSync(out);
  const js = readFileSync(join(out, 'index.js'), 'utf8');
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  const data = files.filter((f) => f.endsWith('.safetensors'));
  assert.is(wasm.length, 1, `wasm modules: ${files}`);
  assert.is(data.length, 1, `data modules: ${files}`);
  // The kernels travel as a compiled module; the base64 copy of the other entries ("\0asm" is "AGFzbQ").
  assert.not.ok(js.includes('AGFzbQ'), 'the Worker bundle carries a base64 wasm');
  assert.ok(js.includes(`from "./${wasm[0]}"`), 'the bundle imports the wasm module');
  console.log(`  wrangler bundle: index.js ${js.length} B + ${wasm[0].replace(/^[0-9a-f]+-/, '')} ${readFileSync(join(out, wasm[0])).length} B`);
  // Wrangler's own bundle, served by workerd with the modules it names, gives the same list.
  const port = await freePort();
  wranglerWorkerdConfig(out, port, wasm[0], data[0]);
  const server = await startWorkerdConfig(bin('workerd'), join(out, 'config.capnp'), port);
  try {
    const res = await fetch(`${server.url}/recommend?history=${history}&topN=10`, { signal: AbortSignal.timeout(30_000) });
    const body = await res.json() as { items: { item: string }[] };
    assert.is(res.status, 200, JSON.stringify(body));
    assert.equal(body.items.map((r) => r.item), expected);
  } finally {
    await server.stop();
  }
});

test.run();
