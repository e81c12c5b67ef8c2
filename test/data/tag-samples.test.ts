// Tag-profile rows (docs/protocols.md#tag-protocol) on the tiny synthetic preset and hand-built logs,
// drawn negatives and real exposures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildTagSamples } from '../../src/data/tag-samples.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { readEvents } from '../../src/data/read-events.js';
import '../helpers/node-host.js'; // paths go through the library's file system

test('cut, targets, negatives never touched, tag labels from clicked/converted targets', async () => {
  // user 1: items a..e (c = 4: inputs a b c d, target e); user 2: e f g h i j (c = 4: targets i j)
  const ev = await readEvents({ text: '1 a b c d e\n2 e f g h i j\n3 x\n', name: 'seq.txt' });
  const tagsOf = (i: number) => [ev.itemIds[i].charCodeAt(0) % 3];
  const s = buildTagSamples(ev, tagsOf, (row) => ev.itemIds[ev.item[row]] === 'j', { negPerPos: 2 });
  assert.is(s.users.length, 2);
  assert.is(s.inputs[0].length, 4);
  const rowsOfUser = (d: number) => Array.from(s.itemRows.user).flatMap((u, r) => (u === d ? [r] : []));
  const r1 = rowsOfUser(0);
  assert.is(r1.length, 1 + 2);
  assert.is(ev.itemIds[s.itemRows.key[r1[0]]], 'e');
  assert.is(s.itemRows.click[r1[0]], 1);
  const touched1 = new Set(['a', 'b', 'c', 'd', 'e']);
  for (const r of r1.slice(1)) { assert.is(s.itemRows.click[r], 0); assert.not.ok(touched1.has(ev.itemIds[s.itemRows.key[r]])); }
  const r2 = rowsOfUser(1);
  assert.equal(r2.slice(0, 2).map((r) => [ev.itemIds[s.itemRows.key[r]], s.itemRows.conversion[r]]), [['i', 0], ['j', 1]]);
  for (let r = 0; r < s.tagRows.user.length; r++) if (s.tagRows.click[r] === 0) assert.is(s.tagRows.conversion[r], 0);
});

test('tiny synthetic: 4 negatives per target, tag rows per exposed tag, deterministic', () => {
  const d = generateSynthetic('tiny');
  const s = buildTagSamples(d.events, (i) => d.items.tags[i], (row) => d.converted[row] === 1);
  assert.is(s.users.length, 200);
  assert.is(s.train.length + s.valid.length + s.test.length, 200);
  let pos = 0, neg = 0;
  for (let r = 0; r < s.itemRows.click.length; r++) s.itemRows.click[r] ? pos++ : neg++;
  assert.is(neg, 4 * pos);
  assert.ok(s.tagRows.user.length > pos);
  const again = buildTagSamples(d.events, (i) => d.items.tags[i], (row) => d.converted[row] === 1);
  assert.equal(again.tagRows.key, s.tagRows.key);
});

test("negatives 'exposures': the target window's own items are the rows, labelled by clicked; nothing drawn", async () => {
  // user 1: a..e and e again (n 6, c 4: targets e, e); user 2: 10 events, c 8: targets p, q.
  const ev = await readEvents({ text: '1 a b c d e e\n2 f g h i j k l m p q\n', name: 'seq.txt' });
  const name = (row: number) => ev.itemIds[ev.item[row]];
  // Row-level labels: the second e of user 1 is the click; p is clicked and converted, q neither.
  const clicked = (row: number) => (name(row) === 'e' && row === 5) || name(row) === 'p';
  const converted = (row: number) => name(row) === 'p' || name(row) === 'q';
  const tagsOf = (i: number) => (ev.itemIds[i] === 'p' ? [1, 2] : ev.itemIds[i] === 'q' ? [2, 3] : [4]);
  const s = buildTagSamples(ev, tagsOf, converted, { negatives: 'exposures' }, clicked);
  const rows = Array.from(s.itemRows.user, (u, r) => [u, ev.itemIds[s.itemRows.key[r]], s.itemRows.click[r], s.itemRows.conversion[r]]);
  // One row per distinct exposed item; q's conversion does not count without a click.
  assert.equal(rows, [[0, 'e', 1, 0], [1, 'p', 1, 1], [1, 'q', 0, 0]]);
  const tagRows = Array.from(s.tagRows.user, (u, r) => [u, s.tagRows.key[r], s.tagRows.click[r], s.tagRows.conversion[r]]);
  assert.equal(tagRows, [[0, 4, 1, 0], [1, 1, 1, 1], [1, 2, 1, 1], [1, 3, 0, 0]]);
  assert.throws(() => buildTagSamples(ev, tagsOf, converted, { negatives: 'exposures' }), /needs a click label per event/);
  assert.throws(() => buildTagSamples(ev, tagsOf, converted, { negatives: 'sampled' as never }, clicked), /use 'drawn' or 'exposures'/);
});

test.run();
