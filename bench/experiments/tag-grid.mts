// The tag-profile results grid (docs/protocols.md#tag-protocol): one runTagExperiment call per (split seed,
// model), each row appended as a JSON line to ROWS (pairs already there are skipped, so an
// interrupted grid resumes), and the RESULTS.md table (mean ± sample std over the seeds each
// model finished) from those lines.
// Usage:
//   node --import tsx bench/experiments/tag-grid.mts run movielens ../shared/data/ml-latest-small ROWS.jsonl 1230,1231 mvke,utpm [drawn|exposures]
//   node --import tsx bench/experiments/tag-grid.mts table ROWS.jsonl
//   node --import tsx bench/experiments/tag-grid.mts claims ROWS.jsonl   (per seed: is UTPM / MVKE above every baseline on AUC?)
// The last argument picks the negatives (docs/protocols.md#tag-protocol, #real-exposures). Variant
// `utpm-affine` runs UTPM with `jointAffine: true` (trainable scale and bias on the joint logit).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { init } from '../../src/engine/load.js';
import { runTagExperiment, TAG_MODELS, type TagExperimentRow, type TagModelName } from '../../src/train/tag-experiment.js';
import type { TaskReport } from '../../src/train/tag-evaluate.js';

const [cmd, ...args] = process.argv.slice(2);
const readRows = (file: string): TagExperimentRow[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

if (cmd === 'run') {
  const [dataset, path, file, seedList = '1230', modelList = TAG_MODELS.join(','), negatives = 'drawn'] = args;
  if (negatives !== 'drawn' && negatives !== 'exposures') throw new Error(`negatives: expected drawn or exposures, got ${negatives}`);
  await init();
  const done = new Set(readRows(file).map((r) => `${r.seed}/${r.model}`));
  for (const seed of seedList.split(',').map(Number)) {
    for (const tag of modelList.split(',')) {
      if (done.has(`${seed}/${tag}`)) continue;
      const model = (tag === 'utpm-affine' ? 'utpm' : tag) as TagModelName;
      const [row] = await runTagExperiment({
        dataset: dataset as 'movielens', path, seeds: [seed], models: [model], negatives, log: (l) => console.error(l),
        ...(tag === 'utpm-affine' ? { utpm: { jointAffine: true } } : {}),
      });
      appendFileSync(file, JSON.stringify({ ...row, model: tag, negatives }) + '\n');
    }
  }
} else if (cmd === 'table') {
  const rows = readRows(args[0]);
  const stat = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
    return `${m.toFixed(4)} ± ${sd.toFixed(4)}`;
  };
  const p10 = (t: TaskReport, group?: string) => (group ? t.groups.find((g) => g.group === group)?.atK : t.atK)?.find((x) => x.k === 10);
  console.log('| model | task | seeds | AUC | GAUC | P@10 | R@10 | free-tag P@10 | coverage@10 | train rows/s | best epochs |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const model of [...TAG_MODELS.slice(0, 2), 'utpm-affine', ...TAG_MODELS.slice(2)]) {
    const mine = rows.filter((r) => (r.model as string) === model).sort((a, b) => a.seed - b.seed);
    if (!mine.length) continue;
    for (const task of mine[0].tasks.map((t) => t.task)) {
      const ts = mine.map((r) => r.tasks.find((t) => t.task === task)!);
      const free = ts.map((t) => p10(t, 'tag')?.precision).filter((x): x is number => x !== undefined);
      const rps = mine.map((r) => r.rowsPerSec).filter(Number.isFinite);
      console.log(`| ${model} | ${task} | ${mine.map((r) => r.seed).join(',')} | ${stat(ts.map((t) => t.auc))} | ${stat(ts.map((t) => t.gauc))} | ${stat(ts.map((t) => p10(t)!.precision))} | ${stat(ts.map((t) => p10(t)!.recall))} | ${free.length ? stat(free) : '—'} | ${stat(ts.map((t) => t.coverage))} | ${rps.length ? Math.round(rps.reduce((a, b) => a + b, 0) / rps.length) : '— (counting)'} | ${rps.length ? mine.map((r) => r.bestEpoch.join('/')).join(',') : '—'} |`);
    }
  }
  for (const v of ['utpm', 'utpm-affine']) {
    const utpm = rows.filter((r) => (r.model as string) === v && r.zeroNormShare !== undefined);
    if (utpm.length) console.log(`\n${v} zero-norm profile share per seed: ${utpm.map((r) => r.zeroNormShare!.toFixed(3)).join(', ')}`);
  }
} else if (cmd === 'claims') {
  // The papers' claims on the rows of one protocol: a model's AUC above every baseline's (per task,
  // per seed and on the mean), and MVKE's CVR AUC ≥ the single-task TwoTower's (kernel sharing helps
  // the sparse task). A claim holds when it holds on the mean and on all but at most one seed.
  const rows = readRows(args[0]);
  const baselines = ['twotower', 'hardsharing', 'mmoe', 'historytags', 'populartags'];
  const aucOf = (model: string, seed: number, task: string) => rows.find((r) => (r.model as string) === model && r.seed === seed)?.tasks.find((t) => t.task === task)?.auc;
  const seeds = [...new Set(rows.map((r) => r.seed))].sort();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const verdict = (name: string, perSeed: (boolean | undefined)[], onMean: boolean) => {
    const known = perSeed.filter((x): x is boolean => x !== undefined);
    const holds = onMean && known.filter(Boolean).length >= known.length - 1;
    console.log(`| ${name} | ${perSeed.map((x) => (x === undefined ? '—' : x ? '✓' : '✗')).join(' ')} | ${onMean ? '✓' : '✗'} | ${holds ? 'holds' : 'does not hold'} |`);
  };
  console.log('| claim | per seed ' + seeds.join(' ') + ' | on the mean | verdict |');
  console.log('|---|---|---|---|');
  for (const model of ['utpm', 'utpm-affine', 'mvke']) {
    for (const task of ['ctr', 'cvr']) {
      const per = seeds.map((s) => {
        const a = aucOf(model, s, task);
        const bs = baselines.map((b) => aucOf(b, s, task)).filter((x): x is number => x !== undefined);
        return a === undefined || !bs.length ? undefined : bs.every((b) => a > b);
      });
      if (per.every((x) => x === undefined)) continue;
      const m = (name: string) => mean(seeds.map((s) => aucOf(name, s, task)).filter((x): x is number => x !== undefined));
      verdict(`${model} ${task} AUC above every baseline`, per, baselines.every((b) => !Number.isFinite(m(b)) || m(model) > m(b)));
    }
  }
  const per = seeds.map((s) => {
    const a = aucOf('mvke', s, 'cvr'), b = aucOf('twotower', s, 'cvr');
    return a === undefined || b === undefined ? undefined : a >= b;
  });
  if (per.some((x) => x !== undefined)) {
    const m = (name: string) => mean(seeds.map((s) => aucOf(name, s, 'cvr')).filter((x): x is number => x !== undefined));
    verdict('mvke cvr AUC ≥ single-task TwoTower cvr', per, m('mvke') >= m('twotower'));
  }
} else {
  console.error('usage: tag-grid.mts run DATASET PATH ROWS.jsonl SEEDS MODELS [drawn|exposures] | table ROWS.jsonl | claims ROWS.jsonl');
  process.exit(2);
}
