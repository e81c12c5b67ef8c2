// Cost of refusing crafted checkpoints (the worst cases of the bad-input suite), each loaded in a
// fresh child process so its peak RSS is its own: a config claiming huge sizes (dim 60000,
// attentionWidth 1e6, seqLen 99999), a 39 MB header listing 600k empty tensors, a config of 300k
// empty objects, and a good checkpoint for reference. Prints a markdown table of outcome, peak
// RSS and time. Run: `node --import tsx bench/experiments/bad-checkpoints.ts`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init } from '../../src/engine/load.js';
import { ComiRecSA } from '../../src/models/comirec-sa.js';
import { Vocabulary } from '../../src/data/vocab.js';
import { Recommender } from '../../src/serve/recommender.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';

const child = process.argv[2] === '--load';
if (child) {
  const { readFileSync } = await import('node:fs');
  await init();
  const t0 = performance.now();
  let outcome = 'loaded';
  try {
    Recommender.fromBytes(new Uint8Array(readFileSync(process.argv[3])), process.argv[3]);
  } catch (e) {
    outcome = `refused: ${(e as Error).message.replace(/^.*?safetensors: /, '').slice(0, 90)}`;
  }
  console.log(JSON.stringify({ outcome, ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
} else {
  await init();
  const dir = mkdtempSync(join(tmpdir(), 'mirec-bad-ck-'));
  const N = 20_001;
  const ids = Array.from({ length: N - 1 }, (_, i) => `i${i + 1}`);
  const good = new Recommender(new ComiRecSA({ items: N, dim: 64, seqLen: 20, seed: 1 }), new Vocabulary(['', ...ids], new Int32Array(N).fill(1), N - 1)).toBytes();
  const withConfig = (edit: (c: Record<string, unknown>) => void) => {
    const f = decodeSafetensors(good, 'good');
    const c = JSON.parse(f.metadata.config);
    edit(c);
    f.metadata.config = JSON.stringify(c);
    return encodeSafetensors(f.tensors, f.metadata);
  };
  const header = `{${Array.from({ length: 600_000 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`).join(',')}}`;
  const h = Buffer.from(header);
  const many = Buffer.concat([Buffer.from(new BigUint64Array([BigInt(h.length)]).buffer), h]);
  const cases: [string, Uint8Array][] = [
    ['good checkpoint (20k items, D 64)', good],
    ['config dim 60000', withConfig((c) => { c.dim = 60_000; })],
    ['config attentionWidth 1e6', withConfig((c) => { c.attentionWidth = 1_000_000; })],
    ['config seqLen 99999', withConfig((c) => { c.seqLen = 99_999; })],
    ['config dim 1e6', withConfig((c) => { c.dim = 1e6; })],
    ['config of 300k empty objects', (() => { const f = decodeSafetensors(good, 'g'); f.metadata.config = `[${Array(300_000).fill('{}').join(',')}]`; return encodeSafetensors(f.tensors, f.metadata); })()],
    ['header of 600k empty tensors', many],
  ];
  const rows = ['| case | file MB | outcome | peak RSS MB | ms |', '|---|---|---|---|---|'];
  for (const [label, bytes] of cases) {
    const p = join(dir, 'c.safetensors');
    writeFileSync(p, bytes);
    const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--load', p], { encoding: 'utf8' });
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
    rows.push(`| ${label} | ${(bytes.length / 1e6).toFixed(1)} | ${j.outcome.replace(/\|/g, '/')} | ${j.maxRssMB.toFixed(0)} | ${j.ms.toFixed(0)} |`);
  }
  console.log(rows.join('\n'));
}
