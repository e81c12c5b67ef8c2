// The package's entry points as bundlers and type checkers see them (fast, in `npm test`; the
// full tarball consumer test is `npm run test:package`): the main entry bundles for the browser
// with no flags and reaches no node: module, the Workers entry carries no embedded base64 wasm,
// `mirec/node` adds the file system, and the .d.ts compile with lib ES2022 and no type packages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

const run = promisify(execFile);
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'mirec-entries-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(ROOT, join(dir, 'node_modules', 'mirec'), 'dir');
writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');

const ENTRY = `import { init, Recommender, generateSynthetic, prepareRetrieval, ComiRecSA, Trainer, readEvents } from 'mirec';
export const all = [init, Recommender, generateSynthetic, prepareRetrieval, ComiRecSA, Trainer, readEvents];
`;
writeFileSync(join(dir, 'entry.js'), ENTRY);

async function bundle(conditions?: string[]) {
  return esbuild.build({
    entryPoints: [join(dir, 'entry.js')], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true,
    logLevel: 'silent', ...(conditions ? { conditions, loader: { '.wasm': 'file' }, outdir: join(dir, 'out') } : {}),
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('esbuild --platform=browser bundles `mirec` with no flags, no warnings and no node: module', async () => {
  const r = await bundle();
  assert.equal(r.errors, []);
  assert.equal(r.warnings.map((w) => w.text), []);
  const inputs = Object.keys(r.metafile!.inputs);
  assert.ok(inputs.some((f) => f.endsWith('dist/index.js')), `the browser build resolved ${inputs.filter((f) => f.includes('dist/index')).join(', ')}`);
  assert.not.ok(inputs.some((f) => /node-host|node-io|node-workers|atomic-write|checkpoint-file/.test(f)), 'a file-system module was bundled');
  for (const [file, meta] of Object.entries(r.metafile!.inputs)) {
    for (const imp of meta.imports) assert.not.ok(imp.path.startsWith('node:'), `${file} imports ${imp.path}`);
  }
  const text = r.outputFiles![0].text;
  assert.not.match(text, /from\s*["']node:|import\(\s*["']node:/);
  assert.match(text, /SIMD_WASM_BASE64/, 'the main entry embeds the kernels');
});

test('the workerd condition bundles the .wasm module and no embedded base64 builds', async () => {
  const r = await bundle(['workerd', 'worker', 'browser']);
  assert.equal(r.errors, []);
  const js = r.outputFiles!.find((f) => f.path.endsWith('.js'))!;
  const wasm = r.outputFiles!.find((f) => f.path.endsWith('.wasm'));
  assert.ok(wasm && wasm.contents.length > 20000, 'the SIMD .wasm file is part of the Worker');
  assert.ok(Object.keys(r.metafile!.inputs).some((f) => f.endsWith('dist/index.workerd.js')));
  assert.not.ok(Object.keys(r.metafile!.inputs).some((f) => f.includes('wasm-bytes.generated')), 'the base64 module was bundled');
  assert.not.match(js.text, /SIMD_WASM_BASE64|SCALAR_WASM_BASE64/);
  const browser = (await bundle()).outputFiles![0].text.length;
  assert.ok(js.text.length < browser - 90000, `Worker bundle ${js.text.length} B vs browser ${browser} B: the base64 builds are ~94 KB`);
});

test('paths: the main entry refuses them with a pointer to mirec/node; mirec/node reads them', async () => {
  const probe = `
    const m = await import(${JSON.stringify(join(ROOT, 'dist/index.js'))});
    try { await m.readEvents('nope.csv'); console.log('no error'); } catch (e) { console.log(e.message); }
    const n = await import(${JSON.stringify(join(ROOT, 'dist/node.js'))});
    try { await n.readEvents('nope.csv'); } catch (e) { console.log(e.message); }
    console.log(typeof n.saveCheckpoint, typeof n.writeFileAtomic, typeof m.saveCheckpoint, m.hasHostFiles(), n.hasHostFiles());`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir, env });
  const [refused, missing, kinds] = stdout.trim().split('\n');
  assert.match(refused, /readEvents: nope\.csv is a file path, and this runtime has no file system installed.*mirec\/node/);
  assert.match(missing, /readEvents: cannot open nope\.csv \(ENOENT: no such file\)/);
  assert.is(kinds, 'function function undefined true true');
});

test('the `node` condition gives `mirec` the file system in Node (same exports as the main entry)', async () => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e',
    `import * as m from 'mirec'; import * as b from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
     console.log(m.hasHostFiles(), Object.keys(m).sort().join() === Object.keys(b).sort().join())`], { cwd: dir, env });
  assert.is(stdout.trim(), 'true true');
});

test('.d.ts of `mirec` and `mirec/node` compile with lib ES2022, types [] and --strict', async () => {
  writeFileSync(join(dir, 'use.ts'), `import { init, Recommender, readEvents, type UrlLike } from 'mirec';
import { saveCheckpoint, load } from 'mirec/node';
export const f: unknown[] = [init, Recommender, readEvents, saveCheckpoint, load];
export type U = UrlLike;
`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [], strict: true, noEmit: true, skipLibCheck: false },
    files: ['use.ts'],
  }));
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = await run(process.execPath, [tsc, '-p', dir]).then(() => '', (e) => `${e.stdout}${e.stderr}`);
  assert.is(r, '', r);
});

test.run();
