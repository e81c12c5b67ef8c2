// Tag datasets (docs/protocols.md#tag-rows): field construction (counts, heaviest first, ties to the
// most recent), the synthetic tag dataset, item → tags readers, and MovieLens tag normalisation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { weightedList, fieldBatch } from '../../src/data/tag-fields.js';
import { syntheticTagDataset, readItemTagsJson, readItemTagsDelimited, normaliseTag, log2Floor } from '../../src/data/tag-datasets.js';
import '../helpers/node-host.js'; // paths go through the library's file system

test('weightedList: counts, heaviest first, ties to the most recent, maxValues', () => {
  const w = weightedList([3, 5, 3, 7, 5, 9, 0], 3);
  assert.equal(Array.from(w.ids), [5, 3, 9]);
  assert.equal(Array.from(w.weights), [2, 2, 1]);
});

test('fieldBatch pads multi fields to the longest list', () => {
  const schema = [{ name: 'a', kind: 'multi' as const, size: 9 }, { name: 's', kind: 'single' as const, size: 3 }];
  const fb = fieldBatch(schema, [[weightedList([1, 2, 2]), 2], [weightedList([]), 0]]);
  const a = fb.values[0];
  assert.ok(a.kind === 'multi' && a.n === 2);
  assert.equal(Array.from(a.ids), [2, 1, 0, 0]);
  assert.equal(Array.from(fb.values[1].ids), [2, 0]);
});

test('synthetic tag dataset: schema, tags, groups, rows', () => {
  const d = syntheticTagDataset('tiny');
  assert.equal(d.fields.map((f) => f.name), ['hist_items', 'hist_tags', 'activity', 'segment', 'region']);
  assert.is(d.tagNames.length, 1 + 5 * 6 + 10);
  assert.is(d.tagNames[0], '<pad>');
  assert.is(d.groupNames[d.tagGroups[d.tagNames.indexOf('c2s1')]], 'c2');
  assert.is(d.groupNames[d.tagGroups[d.tagNames.indexOf('g3')]], 'global');
  assert.ok(d.hasConversions);
  assert.is(d.users.length, d.samples.users.length);
  // every tag row's tag is a real id; clicks and conversions are consistent (conversion ⇒ click)
  const r = d.samples.tagRows;
  for (let i = 0; i < r.user.length; i++) {
    assert.ok(r.key[i] >= 1 && r.key[i] < d.tagNames.length);
    if (r.conversion[i]) assert.is(r.click[i], 1);
  }
  assert.is(log2Floor(1), 0);
  assert.is(log2Floor(9), 3);
});

test('item → tags readers: JSON object and delimited text (lists, pairs, header names)', async () => {
  const j = await readItemTagsJson({ text: '{"4": [1, 2], "83": ["x"]}' });
  assert.equal([...j.entries()], [['4', ['1', '2']], ['83', ['x']]]);
  let failed = false;
  try { await readItemTagsJson({ text: '[1, 2]' }); } catch (e) { failed = /expected a JSON object/.test((e as Error).message); }
  assert.ok(failed);
  const lists = await readItemTagsDelimited({ text: '1\ta|b\n2\tc\n1\tb|d\n' });
  assert.equal([...lists.entries()], [['1', ['a', 'b', 'd']], ['2', ['c']]]);
  const named = await readItemTagsDelimited({ text: 'movieId,title,genres\n1,Toy Story,Adventure|Comedy\n' }, { item: 'movieId', tags: 'genres' });
  assert.equal(named.get('1'), ['Adventure', 'Comedy']);
});

test('MovieLens free-text tags are lower-cased, trimmed and whitespace-collapsed', () => {
  assert.is(normaliseTag('  Highly   Quotable '), 'highly quotable');
});

test.run();
