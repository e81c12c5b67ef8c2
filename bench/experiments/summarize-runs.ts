// Summarise `mirec train --report` JSON files into one markdown table: per model, mean ± std over
// the seeds of test Recall/NDCG/HitRate @20 and @50 (leave-one-out reports: HR/NDCG @10/50/100),
// percent, training steps/s, and the best validation Recall@50 (HR@50 under leave-one-out) with
// the step it was reached at (what early stopping selected on). Pass reports of one protocol at a time.
// Usage: node --import tsx bench/experiments/summarize-runs.ts runs/ml-*.json
import { readFileSync } from 'node:fs';

interface Report {
  model: string;
  options: { seed?: number; lr?: number; modelConfig?: string; protocol?: string };
  training: { stepsPerSec: number; bestRecall50: number; bestStep: number } | null;
  test: { rows: { n: number; recall: number; ndcg: number; hitRate: number }[] };
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error('usage: summarize-runs.ts REPORT.json ...');
  process.exit(2);
}
const byModel = new Map<string, Report[]>();
for (const f of files) {
  const r = JSON.parse(readFileSync(f, 'utf8')) as Report;
  // Variants of one model (another lr, a docs/model-guide.md switch) get their own row.
  const o = r.options;
  const key = [r.model, o.lr !== undefined ? `lr ${o.lr}` : '', o.modelConfig ?? '', o.protocol === 'loo' ? 'loo' : ''].filter(Boolean).join(' ');
  byModel.set(key, [...(byModel.get(key) ?? []), r]);
}
const stat = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};
// ComiRec protocol reports have N 20 and 50; leave-one-out reports HR/NDCG at 10, 50, 100.
const first = [...byModel.values()][0][0];
const loo = !first.test.rows.some((r) => r.n === 20);
const cols: [string, number, 'recall' | 'ndcg' | 'hitRate'][] = loo
  ? [['HR@10', 10, 'hitRate'], ['NDCG@10', 10, 'ndcg'], ['HR@50', 50, 'hitRate'], ['NDCG@50', 50, 'ndcg'], ['HR@100', 100, 'hitRate'], ['NDCG@100', 100, 'ndcg']]
  : [['Recall@20', 20, 'recall'], ['NDCG@20', 20, 'ndcg'], ['HR@20', 20, 'hitRate'], ['Recall@50', 50, 'recall'], ['NDCG@50', 50, 'ndcg'], ['HR@50', 50, 'hitRate']];
console.log(`| model | seeds | ${cols.map((c) => c[0]).join(' | ')} | steps/s | valid ${loo ? 'HR' : 'R'}@50 | best steps |`);
console.log(`|---|---|${cols.map(() => '---|').join('')}---|---|---|`);
for (const [model, rs] of byModel) {
  const cells = cols.map(([, n, k]) => stat(rs.map((r) => 100 * r.test.rows.find((x) => x.n === n)![k])));
  const sps = rs.filter((r) => r.training).map((r) => r.training!.stepsPerSec);
  const trained = rs.filter((r) => r.training);
  const valid = trained.length ? stat(trained.map((r) => 100 * r.training!.bestRecall50)) : '—';
  const steps = trained.length ? trained.map((r) => r.training!.bestStep).join(', ') : '—';
  console.log(`| ${model} | ${rs.map((r) => r.options.seed ?? 1).join(',')} | ${cells.join(' | ')} | ${sps.length ? stat(sps) : '—'} | ${valid} | ${steps} |`);
}
