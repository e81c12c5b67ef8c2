// The streaming generator: the same draws as the in-memory one (the tiny preset's events line by
// line), files the readers detect and read back (comirec and taobao layouts), the scale presets'
// sizes, and `mirec synth` (written whole, never over an existing file without --force).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { SCALE_PRESETS, writeSynthetic } from '../../src/data/synthetic-stream.js';
import { readEvents } from '../../src/data/read-events.js';
import { main } from '../../src/cli/main.js';

async function text(format: 'comirec' | 'taobao', chunkBytes = 512): Promise<{ text: string; chunks: number; events: number }> {
  const parts: string[] = [];
  const st = await writeSynthetic(generateSynthetic('tiny').config, format, (t) => void parts.push(t), { chunkBytes });
  return { text: parts.join(''), chunks: parts.length, events: st.events };
}

test('stream: the in-memory generator\'s events, in chunks, in both formats', async () => {
  const d = generateSynthetic('tiny');
  const e = d.events;
  const c = await text('comirec');
  assert.ok(c.chunks > 10);
  assert.is(c.events, e.length);
  const lines = c.text.trimEnd().split('\n');
  assert.is(lines.length, e.length);
  let t = 0;
  for (let i = 0; i < e.length; i++) {
    t = i > 0 && e.user[i] === e.user[i - 1] ? t + 1 : 0;
    assert.is(lines[i], `${e.userIds[e.user[i]]},${e.itemIds[e.item[i]]},${t}`);
  }
  const tb = (await text('taobao')).text.trimEnd().split('\n');
  const clusterOfRaw = new Map(d.items.ids.map((id, j) => [id, d.items.cluster[j]]));
  for (let i = 0; i < e.length; i += 97) {
    const raw = e.itemIds[e.item[i]];
    assert.is(tb[i], `${e.userIds[e.user[i]]},${raw},${clusterOfRaw.get(raw)! + 1},pv,${i + 1}`);
  }
});

test('stream: the readers detect and read both layouts back', async () => {
  for (const format of ['comirec', 'taobao'] as const) {
    const { text: t, events } = await text(format, 1 << 20);
    const ev = await readEvents(new TextEncoder().encode(t), { name: `tiny.${format}.csv` });
    assert.is(ev.length, events, format);
    assert.is(ev.format, format);
  }
});

test('scale presets: the papers\' sizes', () => {
  const b = SCALE_PRESETS.book.config, t = SCALE_PRESETS.taobao.config;
  assert.is(b.users, 460_000);
  assert.is(b.clusters * b.itemsPerCluster, 310_000);
  assert.ok(Math.abs(b.users * (b.minLength + b.maxLength) / 2 - 9e6) < 0.5e6); // ≈ 9.2M events
  assert.is(t.users, 1_000_000);
  assert.is(t.clusters * t.itemsPerCluster, 1_700_000);
  assert.ok(t.users * (t.minLength + t.maxLength) / 2 >= 20e6);
});

test('mirec synth: writes the file, refuses to overwrite without --force', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-synth-'));
  const out = join(dir, 'book-small.csv');
  const quiet = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    assert.is(await main(['synth', '--preset', 'book', '--users', '300', '--out', out]), 0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.ok(lines.length >= 300 * 5 && lines.length <= 300 * 35);
    assert.match(lines[0], /^1,\d+,0$/);
    writeFileSync(out, 'keep');
    assert.is(await main(['synth', '--preset', 'tiny', '--out', out]), 2);
    assert.is(readFileSync(out, 'utf8'), 'keep');
    assert.is(await main(['synth', '--preset', 'taobao', '--users', '50', '--out', out, '--force']), 0);
    assert.match(readFileSync(out, 'utf8').split('\n')[0], /^1,\d+,\d+,pv,1$/);
    assert.is(await main(['synth', '--preset', 'tiny']), 2);
  } finally {
    process.stderr.write = quiet;
  }
});

test.run();
