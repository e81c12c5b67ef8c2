// `npm run bench`: runs every kernel suite (or those named on the command line, e.g.
// `npm run bench -- gemm softmax`), prints one table per suite and writes them to
// bench/results/latest.md; an unknown suite name is refused with the list of known ones. Pin to
// one core on an idle machine: `taskset -c 1 npm run bench`. Research and grid scripts that read
// datasets are not suites: they live in bench/experiments/ and take the data paths as arguments.
import { writeFileSync, mkdirSync } from 'node:fs';
import { OPT_IN, suites } from './suites.js';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--')); // --suite-option=value flags go to the suites
const unknown = wanted.filter((w) => !(w in suites));
if (unknown.length) {
  console.error(`bench: unknown suite${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known suites: ${Object.keys(suites).join(', ')} (opt-in: ${[...OPT_IN].join(', ')})`);
  process.exit(2);
}
const out: string[] = [`# mirec kernel benchmarks`, ``, `command: npm run bench ${wanted.join(' ')}`.trim(), `date: ${new Date().toISOString()}`, `node: ${process.version}`, ``];
for (const [name, run] of Object.entries(suites)) {
  if (wanted.length ? !wanted.includes(name) : OPT_IN.has(name)) continue;
  console.log(`\n## ${name}`);
  const md = await run();
  console.log(md);
  out.push(`## ${name}`, '', md, '');
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.md', out.join('\n'));
console.log('\nwritten: bench/results/latest.md');
