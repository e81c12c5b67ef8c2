// The import rule of src/ (.dependency-cruiser.cjs): the real tree has no upward import and no
// module or folder cycle, and the rule does catch each kind of violation in a planted tree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const BIN = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const cruise = (cwd: string) => {
  const r = spawnSync(process.execPath, [BIN, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { status: r.status, out: (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, '') };
};

test('src/: no upward import, no module cycle, no folder cycle', () => {
  const r = cruise(ROOT);
  assert.is(r.status, 0, r.out);
});

test('the rule catches an upward import, a module cycle, a folder cycle and an unplaced folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-layers-'));
  const file = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  file('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src/**/*.ts'] }));
  file('src/engine/heap.ts', 'export const heap = 1;\n');
  // models → serve is upward
  file('src/models/model.ts', "import { serveIt } from '../serve/serve.js';\nexport const model = serveIt;\n");
  file('src/serve/serve.ts', "import { heap } from '../engine/heap.js';\nexport const serveIt = heap;\n");
  // io/a → serve/b and serve/c → io/d: a folder cycle without a module cycle
  file('src/io/a.ts', "import { b } from '../serve/b.js';\nexport const a = b;\n");
  file('src/serve/b.ts', 'export const b = 2;\n');
  file('src/serve/c.ts', "import { d } from '../io/d.js';\nexport const c = d;\n");
  file('src/io/d.ts', 'export const d = 3;\n');
  // a module cycle inside one folder
  file('src/nn/x.ts', "import { y } from './y.js';\nexport const x = () => y;\n");
  file('src/nn/y.ts', "import { x } from './x.js';\nexport const y = () => x;\n");
  // a folder that sits on no layer
  file('src/misc/z.ts', "import { heap } from '../engine/heap.js';\nexport const z = heap;\n");
  const r = cruise(dir);
  const out = r.out;
  assert.is.not(r.status, 0, out);
  assert.match(out, /no-upward-from-models: src\/models\/model\.ts → src\/serve\/serve\.ts/);
  assert.match(out, /no-circular-folders: src\/(io|serve)/);
  assert.match(out, /no-circular: src\/nn\/[xy]\.ts/);
  assert.match(out, /no-unplaced-folder: src\/misc\/z\.ts/);
  assert.not.match(out, /src\/engine\/heap\.ts →/);
});

test.run();
