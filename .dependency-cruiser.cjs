// The import rule of src/ (README "Layout"), checked by `npm test` (pretest) and CI: every folder
// sits on one layer and imports only from its own layer or the layers below it, and neither
// modules nor folders form cycles. A new top-level folder must be placed in LAYERS first.
//   engine → tensor/autograd/ops → nn/loss/optim → models → data/eval/train/serve/io/ann → cli
/** Layers, lowest first: a list of path regexes below src/. */
const LAYERS = [
  { name: 'engine', paths: ['engine/', 'wasm-module\\.d\\.ts$'] },
  { name: 'tensor/autograd/ops', paths: ['tensor\\.ts$', 'autograd/', 'ops/'] },
  { name: 'nn/loss/optim', paths: ['nn/', 'loss/', 'optim/'] },
  { name: 'models', paths: ['models/'] },
  { name: 'data/eval/train/serve/io/ann', paths: ['data/', 'eval/', 'train/', 'serve/', 'io/', 'ann/'] },
  { name: 'cli and the package entries', paths: ['cli/', 'index\\.ts$', 'index\\.workerd\\.ts$', 'index\\.node\\.ts$', 'core\\.ts$', 'node\\.ts$'] },
];

const re = (paths) => `^src/(${paths.join('|')})`;

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer.name.replace(/[^a-z]+/g, '-')}`,
  comment: `${layer.name} may import only from its own layer or below; move the shared code down instead`,
  severity: 'error',
  from: { path: re(layer.paths) },
  to: { path: re(LAYERS.slice(i + 1).flatMap((l) => l.paths)) },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-library-to-cli',
      comment: 'the package entries must not pull in the command line (it imports node: modules)',
      severity: 'error',
      from: { path: '^src/(index|index\\.workerd|index\\.node|core|node)\\.ts$' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-node-in-the-main-entry',
      comment: 'the main and Workers entries (core.ts, index.ts, index.workerd.ts) must reach no node: module, not even lazily: Node-only code is installed by mirec/node (io/node-host.ts)',
      severity: 'error',
      from: { path: '^src/(index|index\\.workerd|core)\\.ts$' },
      to: { path: '^(node:|(fs|path|os|zlib|stream|worker_threads|url|crypto|child_process|util|http|https|net|module)(/|$))', reachable: true },
    },
    {
      name: 'no-embedded-wasm-in-the-workerd-entry',
      comment: 'the Workers entry imports the .wasm module; the base64 builds (engine/load.ts) would only add ~94 KB to every Worker',
      severity: 'error',
      from: { path: '^src/index\\.workerd\\.ts$' },
      to: { path: '^src/engine/(load|wasm-bytes\\.generated)\\.ts$', reachable: true },
    },
    {
      name: 'no-unplaced-folder',
      comment: 'every file of src/ must sit on a layer: add its folder to LAYERS in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: re(LAYERS.flatMap((l) => l.paths)) },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'modules must not import each other in a cycle',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'folders must not import each other in a cycle (even through different files)',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.wasm$' },
    // Type-only imports count: an upward `import type` is still an upward arrow.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
