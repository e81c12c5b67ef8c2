// Benchmark harness shared by every suite: benny (benchmark.js) times each case after a warm-up
// (V8 tiers wasm code; the first large call is ~2.7x slower), and the median seconds per call is
// turned into GFLOP/s or M elements/s. Rows are collected for the table in bench/RESULTS.md.
import b from 'benny';

export interface BenchCase {
  /** Row label, e.g. 'gemm nn 512x512x512'. */
  name: string;
  /** Implementation label, e.g. 'reference', 'wasm', 'wasm-simd', 'tfjs-wasm'. */
  impl: string;
  /** The timed call. */
  fn: () => unknown;
  /** Work per call: flops for 'GFLOP/s', elements for 'Melem/s', steps for 'steps/s'. */
  work: number;
  unit: 'GFLOP/s' | 'Melem/s' | 'steps/s' | 'calls/s';
}

export interface BenchRow {
  suite: string;
  name: string;
  impl: string;
  unit: string;
  /** Throughput in `unit`. */
  value: number;
  /** Median seconds per call. */
  seconds: number;
  rme: number;
}

const quick = process.env.BENCH_QUICK === '1';

/** Time every case of one suite; returns one row per case. */
export async function runSuite(suite: string, cases: BenchCase[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of cases) for (let i = 0; i < 3; i++) c.fn(); // warm-up: let TurboFan tier up
  const summary = await b.suite(
    suite,
    b.configure({ cases: { minTime: quick ? 0.05 : 0.4, maxTime: quick ? 0.3 : 2, minSamples: 7, delay: 0.01 } }),
    ...cases.map((c) => b.add(`${c.name} [${c.impl}]`, c.fn)),
    b.cycle(() => undefined),
  );
  summary.results.forEach((r, i) => {
    const c = cases[i];
    const seconds = r.details.median;
    const scale = c.unit === 'GFLOP/s' ? 1e9 : c.unit === 'Melem/s' ? 1e6 : 1;
    rows.push({ suite, name: c.name, impl: c.impl, unit: c.unit, value: c.work / seconds / scale, seconds, rme: r.details.relativeMarginOfError });
  });
  return rows;
}

/** Markdown table: one line per case name, one column per implementation, plus ratios. */
export function table(rows: BenchRow[], ratio?: [string, string][]): string {
  const impls = [...new Set(rows.map((r) => r.impl))];
  const names = [...new Set(rows.map((r) => r.name))];
  const ratios = ratio ?? [];
  const head = `| case | unit | ${impls.join(' | ')}${ratios.map(([a, b]) => ` | ${a} / ${b}`).join('')} |`;
  const sep = `|${'---|'.repeat(2 + impls.length + ratios.length)}`;
  const lines = names.map((n) => {
    const byImpl = new Map(rows.filter((r) => r.name === n).map((r) => [r.impl, r]));
    const unit = rows.find((r) => r.name === n)!.unit;
    const cells = impls.map((i) => (byImpl.has(i) ? fmt(byImpl.get(i)!.value) : '—'));
    const rs = ratios.map(([a, b]) => {
      const x = byImpl.get(a);
      const y = byImpl.get(b);
      return x && y ? `${(x.value / y.value).toFixed(2)}x` : '—';
    });
    return `| ${n} | ${unit} | ${cells.join(' | ')}${rs.map((r) => ` | ${r}`).join('')} |`;
  });
  return [head, sep, ...lines].join('\n');
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
