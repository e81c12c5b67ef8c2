// Steps/s of the studio page (ComiRec-SA trained in its Web Worker, headless Chromium) against
// Node's Trainer on the same settings: the synthetic 'small' preset, D 64, K 4, T 20, B 128,
// seed 1, no validation inside the timed steps; 1 and 2 threads (the page's ?threads=N).
// Usage: node --import tsx bench/experiments/studio-steps.ts [--steps 400] [--reps 3] [--threads 1,2]
// Needs the built studio (npm run build) and /usr/bin/chromium.
import { parseArgs } from 'node:util';
import { init } from '../../src/engine/load.js';
import { installNodeHost } from '../../src/io/node-host.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import { closeStudio, loadPreset, openStudio, trainInPage } from '../../test/hosts/studio-page.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '400' }, reps: { type: 'string', default: '3' }, threads: { type: 'string', default: '1,2' } } });
const steps = Number(values.steps), reps = Number(values.reps);
const settings = { model: 'comirec-sa', dim: 64, batch: 128, seqLen: 20, maxSteps: steps, evalEvery: 1_000_000 };
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
const ds = prepareRetrieval(generateSynthetic('small').events, { filter: false });

console.log(`| threads | Node steps/s | page steps/s | Node / page |\n|---:|---:|---:|---:|`);
for (const threads of values.threads!.split(',').map(Number)) {
  installNodeHost(); // Node's worker_threads: without it init({ threads: 2 }) runs on one thread
  await init({ threads });
  const node: number[] = [], page: number[] = [];
  const s = await openStudio({ query: `?threads=${threads}` });
  try {
    await loadPreset(s.page, 'small');
    for (let r = 0; r < reps; r++) {
      const model = new ComiRecSA({ items: ds.vocab.size, dim: 64, interests: 4, seqLen: 20, seed: 1 });
      node.push(new Trainer(model, ds, { batchSize: 128, maxSteps: steps, evalEvery: 1_000_000, seed: 1 }).fit().stepsPerSec);
      page.push((await trainInPage(s.page, settings)).stepsPerSec);
    }
  } finally {
    await closeStudio(s);
  }
  const [n, p] = [median(node), median(page)];
  console.log(`| ${threads} | ${n.toFixed(1)} | ${p.toFixed(1)} | ${(n / p).toFixed(2)} |`);
  console.error(`  threads ${threads}: node ${node.map((x) => x.toFixed(1)).join(', ')}; page ${page.map((x) => x.toFixed(1)).join(', ')}`);
}
process.exit(0);
