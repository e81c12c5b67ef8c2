// Plain-text tables for the CLI: retrieval metrics (percent, three decimals, as ComiRec) with
// steps/s, Diversity@50 when categories exist, and docs/protocols.md#interest-recovery interest recovery on synthetic data.
import type { RetrievalReport } from '../eval/retrieval-accumulator.js';
import type { RecoveryReport } from '../train/evaluate.js';
import type { DiversitySweep } from '../train/diversity-sweep.js';

export interface TableRow {
  name: string;
  report: RetrievalReport;
  stepsPerSec?: number;
  recovery?: RecoveryReport;
}

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : (100 * x).toFixed(3));

/** Markdown table of Recall / NDCG / HitRate @20 and @50 (plus Diversity@50 when any row has it). */
export function metricsTable(rows: TableRow[]): string {
  const at = (r: RetrievalReport, n: number) => r.rows.find((x) => x.n === n);
  const diversity = rows.some((r) => at(r.report, 50)?.diversity !== undefined);
  const head = ['model', 'Recall@20', 'NDCG@20', 'HR@20', 'Recall@50', 'NDCG@50', 'HR@50', ...(diversity ? ['Div@50'] : []), 'steps/s'];
  const lines = rows.map(({ name, report, stepsPerSec }) => {
    const [a, b] = [at(report, 20), at(report, 50)];
    const cells = [name, pct(a?.recall), pct(a?.ndcg), pct(a?.hitRate), pct(b?.recall), pct(b?.ndcg), pct(b?.hitRate)];
    if (diversity) cells.push(pct(b?.diversity));
    cells.push(stepsPerSec ? stepsPerSec.toFixed(1) : '—');
    return `| ${cells.join(' | ')} |`;
  });
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines].join('\n') +
    '\n(percent; NDCG standard, docs/protocols.md#retrieval-metrics)';
}

/** The controllable-aggregation sweep (docs/protocols.md#aggregation-sweep): one row per λ, then the shape checks. */
export function sweepTable(sweep: DiversitySweep): string {
  const head = `Controllable aggregation (docs/protocols.md#aggregation-sweep), N = ${sweep.n}, median top-1 score ${sweep.medianTop1.toFixed(3)}`;
  const rows = sweep.rows.map((r) => {
    const x = r.report.rows[0];
    return `| ${r.lambda} | ${pct(x.recall)} | ${pct(x.ndcg)} | ${pct(x.hitRate)} | ${pct(r.diversity)} |`;
  });
  const checks = `shape checks: ${Object.entries(sweep.shape).map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`).join(', ')}`;
  return [head, `| λ | Recall@${sweep.n} | NDCG@${sweep.n} | HR@${sweep.n} | Diversity@${sweep.n} |`, '|---|---|---|---|---|', ...rows, checks].join('\n');
}

/** Leave-one-out table (docs/protocols.md#leave-one-out): HR and NDCG at 10, 50, 100 with one target per user. */
export function looTable(rows: TableRow[]): string {
  const ns = [10, 50, 100];
  const head = ['model', ...ns.flatMap((n) => [`HR@${n}`, `NDCG@${n}`]), 'steps/s'];
  const lines = rows.map(({ name, report, stepsPerSec }) => `| ${[
    name, ...ns.flatMap((n) => { const r = report.rows.find((x) => x.n === n); return [pct(r?.hitRate), pct(r?.ndcg)]; }),
    stepsPerSec ? stepsPerSec.toFixed(1) : '—',
  ].join(' | ')} |`);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines].join('\n') +
    '\n(percent; leave-one-out, full-catalogue ranking, one relevant item per user)';
}

/** Markdown table of interest recovery overall and per number of planted interests. */
export function recoveryTable(rows: TableRow[]): string {
  const withRec = rows.filter((r) => r.recovery);
  if (withRec.length === 0) return '';
  const sizes = withRec[0].recovery!.byPlanted.map((g) => g.planted);
  const head = ['model', 'vectors', 'recovery', ...sizes.map((k) => `${k} planted`), 'purity', 'redundancy'];
  const lines = withRec.map(({ name, recovery: r }) => `| ${[
    name, r!.vectorsPerUser.toFixed(2), pct(r!.recovery), ...r!.byPlanted.map((g) => pct(g.recovery)), pct(r!.purity), pct(r!.redundancy),
  ].join(' | ')} |`);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines].join('\n') +
    '\n(percent; a vector matches a cluster when ≥ 60 % of its top 20 items lie in it, docs/protocols.md#interest-recovery)';
}
