// Builds the studio's two bundles with esbuild: dist/page.js (the UI, no mirec inside) and
// dist/worker.js (mirec with its embedded wasm, bundled from src/). Run by `npm run build`;
// `node examples/studio/build.mjs --watch` rebuilds on change.
import { build, context } from 'esbuild';
import { statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const options = {
  absWorkingDir: here,
  entryPoints: { page: 'src/page/main.ts', worker: 'src/worker/main.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  // The library reaches node: modules only through lazy imports on paths a browser never takes.
  external: ['node:*'],
  logLevel: 'warning',
};

if (process.argv.includes('--watch')) {
  const ctx = await context(options);
  await ctx.watch();
  console.log('studio: watching for changes');
} else {
  await build(options);
  const size = (f) => {
    const p = join(here, f);
    return { raw: statSync(p).size, gzip: gzipSync(readFileSync(p)).length };
  };
  const files = ['index.html', 'studio.css', 'dist/page.js', 'dist/worker.js'].map((f) => [f, size(f)]);
  const gz = files.reduce((a, [, s]) => a + s.gzip, 0);
  if (process.argv.includes('--sizes')) for (const [f, s] of files) console.log(`${f}: ${s.raw} B, ${s.gzip} B gzip`);
  if (!process.argv.includes('--quiet')) console.log(`studio built: ${(gz / 1024).toFixed(1)} KB gzip (page, styles, worker with wasm)`);
}
