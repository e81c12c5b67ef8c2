// Recall loss of the compact item tables: trains ComiRec-SA (quick profile, step cap) on the
// built-in synthetic data and, when present, on Amazon Beauty, then ranks every test user over
// the full catalogue from the exact float32 table, the f16 copy and the int8 copy, and prints
// Recall@20/@50, the top-50 overlap with the exact lists and the table bytes as a markdown table.
// Run: `npm run build:wasm --silent && node --import tsx bench/experiments/compact-recall.ts [--synthSteps 1500] [--beauty PATH/Beauty.txt.gz --beautySteps 3000]`
// (Amazon Beauty runs only when its file is given with --beauty).
import { existsSync } from 'node:fs';
import { init } from '../../src/engine/load.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { readEvents } from '../../src/data/read-events.js';
import { prepareRetrieval, evalCases, casesBatch, type SplitDataset } from '../../src/data/protocol.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Trainer } from '../../src/train/trainer.js';
import { RetrievalAccumulator } from '../../src/eval/retrieval-accumulator.js';
import { recallAt } from '../../src/train/evaluate.js';
import { retrieve } from '../../src/serve/retrieve.js';
import { CompactItemTable, type CompactFormat } from '../../src/serve/compact.js';
import type { RetrievalModel } from '../../src/models/types.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const beautyAt = process.argv.indexOf('--beauty');
const BEAUTY = beautyAt > 0 ? process.argv[beautyAt + 1] : null;
const T = 20;

/** Test metrics of `model` served from `table` (undefined: exact float32) plus overlap with `exact`. */
function measure(model: RetrievalModel, ds: SplitDataset, table: CompactItemTable | undefined, exact?: Int32Array[]) {
  const e = model.itemTable().engine;
  const cases = evalCases(ds, 'test', T);
  const acc = new RetrievalAccumulator({ ns: [20, 50] });
  const lists: Int32Array[] = [];
  const t0 = performance.now();
  for (let start = 0; start < cases.B; start += 256) {
    const batch = casesBatch(cases, start, 256);
    retrieve(model, batch, { topN: 50, table }).forEach((l, i) => {
      acc.add(l.ids, cases.truth[start + i]);
      lists.push(Int32Array.from(l.ids));
    });
    e.heap.resetArena();
  }
  const seconds = (performance.now() - t0) / 1000;
  let overlap = 1;
  if (exact) {
    let s = 0;
    lists.forEach((l, u) => {
      const want = new Set(exact[u]);
      s += l.filter((i) => want.has(i)).length / Math.max(1, exact[u].length);
    });
    overlap = s / lists.length;
  }
  const r = acc.result();
  return { r20: recallAt(r, 20), r50: recallAt(r, 50), overlap, lists, seconds, users: cases.B };
}

async function run(name: string, ds: SplitDataset, steps: number): Promise<string[]> {
  const model = new ComiRecSA({ items: ds.vocab.size, dim: 64, interests: 4, seqLen: T, seed: 1 });
  const res = new Trainer(model, ds, { batchSize: 128, maxSteps: steps, profile: 'quick', seed: 1 }).fit();
  process.stderr.write(`${name}: ${res.message}\n`);
  const exact = measure(model, ds, undefined);
  const f32Bytes = model.itemTable().size * 4;
  const rows = [`| ${name} | f32 (exact) | ${model.config.dim * 4} | ${(f32Bytes / 1e6).toFixed(2)} | ${(100 * exact.r20).toFixed(3)} | ${(100 * exact.r50).toFixed(3)} | 1.0000 | ${exact.users} |`];
  for (const fmt of ['f16', 'int8'] as CompactFormat[]) {
    const c = CompactItemTable.fromTable(model.itemTable(), fmt);
    const m = measure(model, ds, c, exact.lists);
    rows.push(`| ${name} | ${fmt} | ${c.bytesPerItem} | ${(c.byteLength / 1e6).toFixed(2)} | ${(100 * m.r20).toFixed(3)} (${(100 * (m.r20 - exact.r20)).toFixed(3)}) | ${(100 * m.r50).toFixed(3)} (${(100 * (m.r50 - exact.r50)).toFixed(3)}) | ${m.overlap.toFixed(4)} | ${m.users} |`);
    c.dispose();
  }
  const stepInfo = `${name}: ${ds.vocab.size - 1} items, ComiRec-SA D=64 K=4, ${res.steps} steps (best validation Recall@50 ${(100 * res.bestRecall50).toFixed(2)} % at step ${res.bestStep}, restored)`;
  return [stepInfo, ...rows];
}

await init({ backend: 'wasm-simd' });
const head = ['| data | table | bytes/item | table MB | Recall@20 % (Δ) | Recall@50 % (Δ) | top-50 overlap with exact | test users |', '|---|---|---|---|---|---|---|---|'];
const notes: string[] = [];
const rows: string[] = [];
const synth = await run('synthetic small', prepareRetrieval(generateSynthetic('small').events, { filter: false }), arg('synthSteps', 1500));
notes.push(synth[0]);
rows.push(...synth.slice(1));
if (BEAUTY && existsSync(BEAUTY)) {
  const events = await readEvents(BEAUTY);
  const beauty = await run('Amazon Beauty', prepareRetrieval(events, { filter: true, splitSeed: 1230 }), arg('beautySteps', 3000));
  notes.push(beauty[0]);
  rows.push(...beauty.slice(1));
} else notes.push(BEAUTY ? `${BEAUTY} not found: Beauty skipped` : 'no --beauty file: Beauty skipped');
console.log([...notes.map((n) => `- ${n}`), '', ...head, ...rows].join('\n'));
