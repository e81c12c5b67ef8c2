// Synthetic planted-interest data (docs/protocols.md#synthetic-data): a golden sha256 pins the `tiny` preset
// byte for byte; the `small` preset is checked for size and for the planted conversion rates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { generateSynthetic, serializeSynthetic } from '../../src/data/synthetic.js';
import { prepareRetrieval } from '../../src/data/protocol.js';

const TINY_SHA256 = '1010aae577aab0b58b2a8192703e59df3ef27f3d3200b0dbeaf55600e785a4be';

test('tiny preset is byte-identical to the pinned golden hash (determinism across runtimes)', () => {
  const d = generateSynthetic('tiny');
  assert.is(d.events.length, 4130);
  assert.is(createHash('sha256').update(serializeSynthetic(d)).digest('hex'), TINY_SHA256);
  assert.is(serializeSynthetic(generateSynthetic('tiny')), serializeSynthetic(d));
  assert.is.not(serializeSynthetic(generateSynthetic('tiny', { seed: 2 })), serializeSynthetic(d));
});

test('tiny: structure of items, tags, users and truth', () => {
  const d = generateSynthetic('tiny');
  const { clusters: C, itemsPerCluster: M } = d.config;
  assert.equal([...d.items.ids].map(Number).sort((a, b) => a - b), Array.from({ length: C * M }, (_, i) => i + 1));
  for (let j = 0; j < C * M; j++) {
    const t = d.items.tags[j];
    assert.is(d.tagNames[t[0]], `c${d.items.cluster[j]}`);
    assert.ok(t.length >= 2 && t.length <= 4);
    assert.ok(d.tagNames[t[1]].startsWith(`c${d.items.cluster[j]}s`));
  }
  for (let u = 0; u < d.config.users; u++) {
    const P = d.truth.planted[u], pi = d.truth.weights[u];
    assert.ok(P.length >= 1 && P.length <= 4 && new Set(P).size === P.length);
    assert.ok(Math.abs(pi.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(d.users.region[u] >= 0 && d.users.region[u] < 10);
  }
  const e = d.events;
  const perUser = new Map<number, number[]>();
  for (let i = 0; i < e.length; i++) {
    assert.ok(Array.from(d.truth.planted[e.user[i]]).includes(d.latent[i]), 'latent cluster is planted');
    if (i > 0) assert.ok(e.time[i] > e.time[i - 1], 'timestamps increase');
    (perUser.get(e.user[i]) ?? perUser.set(e.user[i], []).get(e.user[i])!).push(e.item[i]);
  }
  let repeats = 0;
  for (const [u, items] of perUser) {
    assert.ok(items.length >= 10 && items.length <= 30);
    assert.is(d.users.activity[u], Math.floor(Math.log2(items.length)));
    repeats += items.length - new Set(items).size;
  }
  assert.ok(repeats < 5, `repeats ${repeats}`);
  const ds = prepareRetrieval(e, { filter: false });
  assert.is(ds.stats.users, 200);
});

test('small preset: ≈3,000 users, 5,000 items, ≈120k events, conversion ≈33 % planted, <2 % elsewhere', () => {
  const d = generateSynthetic('small');
  const e = d.events;
  assert.is(e.userIds.length, 3000);
  assert.is(e.itemIds.length, 5000);
  assert.ok(Math.abs(e.length - 120000) < 3000, `events ${e.length}`);
  let nP = 0, cP = 0, nO = 0, cO = 0, same = 0;
  for (let i = 0; i < e.length; i++) {
    const c = d.items.cluster[e.item[i]];
    if (Array.from(d.truth.planted[e.user[i]]).includes(c)) { nP++; cP += d.converted[i]; } else { nO++; cO += d.converted[i]; }
    if (i > 0 && e.user[i] === e.user[i - 1] && d.latent[i] === d.latent[i - 1]) same++;
  }
  assert.ok(Math.abs(cP / nP - 0.33) < 0.02, `planted conversion ${cP / nP}`);
  assert.ok(cO / nO < 0.02, `elsewhere conversion ${cO / nO}`);
  assert.ok(nO / e.length > 0.03 && nO / e.length < 0.1, `noise share ${nO / e.length}`);
  assert.ok(same / e.length > 0.7, `stickiness share ${same / e.length}`); // ρ + (1−ρ)·Σπ²
});

test.run();
