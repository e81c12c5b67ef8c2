// Readers: every format from small generated files (plain, gzip, bytes, text, web stream), format
// detection, and bad input — strict mode names file, line and field; lenient mode counts skips.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readEvents } from '../../src/data/read-events.js';
import { describeSummary } from '../../src/data/events.js';
import { forEachLine } from '../../src/data/read-lines.js';
import '../helpers/node-host.js'; // paths go through the library's file system

const dir = mkdtempSync(join(tmpdir(), 'mirec-readers-'));
function file(name: string, text: string, gz = false): string {
  const p = join(dir, name);
  writeFileSync(p, gz ? gzipSync(Buffer.from(text)) : text);
  return p;
}
const rows = (ev: Awaited<ReturnType<typeof readEvents>>) =>
  Array.from({ length: ev.length }, (_, i) => [ev.userIds[ev.user[i]], ev.itemIds[ev.item[i]], ev.time[i]]);

test('MovieLens ratings.csv (header), u.data (tab), ratings.dat (::), plain and gzip', async () => {
  const csv = 'userId,movieId,rating,timestamp\n1,10,4.0,100\n1,20,3.5,90\n2,10,5.0,50\n';
  for (const p of [file('ratings.csv', csv), file('ratings.csv.gz', csv, true)]) {
    const ev = await readEvents(p);
    assert.is(ev.format, 'movielens-csv');
    assert.equal(rows(ev), [['1', '10', 100], ['1', '20', 90], ['2', '10', 50]]);
    assert.equal(Array.from(ev.rating!), [4, 3.5, 5]);
    assert.ok(ev.hasTime);
  }
  const tab = await readEvents(file('u.data', '196\t242\t3\t881250949\r\n186\t302\t3\t891717742'));
  assert.is(tab.format, 'movielens-tab');
  assert.equal(rows(tab), [['196', '242', 881250949], ['186', '302', 891717742]]);
  const dat = await readEvents(file('ratings.dat.gz', '1::1193::5::978300760\n1::661::3::978302109\n', true));
  assert.is(dat.format, 'movielens-dat');
  assert.is(dat.length, 2);
});

test('sequence lines, ComiRec user,item,index, RecBole .inter, Taobao with behaviour filter', async () => {
  const seq = await readEvents(file('Beauty.txt', '1 1 2 3\n2 4 1\n'));
  assert.is(seq.format, 'sequence');
  assert.equal(rows(seq), [['1', '1', 0], ['1', '2', 1], ['1', '3', 2], ['2', '4', 3], ['2', '1', 4]]);
  assert.not.ok(seq.hasTime);
  const com = await readEvents(file('book_train.txt', '0,17978,0\n0,901,1\n1,5,0\n'));
  assert.is(com.format, 'comirec');
  assert.equal(rows(com)[1], ['0', '901', 1]);
  const inter = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t7\t3\t5\n2\t8\t4\t6\n';
  const rb = await readEvents(file('ml.inter', inter));
  assert.is(rb.format, 'recbole');
  assert.equal(rows(rb), [['1', '7', 5], ['2', '8', 6]]);
  const tb = '1,2268318,2520377,pv,1511544070\n1,2333346,2520771,buy,1511561733\n1,230380,411153,pv,1511644942\n';
  const pv = await readEvents(file('UserBehavior.csv', tb));
  assert.is(pv.format, 'taobao');
  assert.is(pv.length, 2);
  assert.is(pv.summary.filtered, 1);
  const all = await readEvents(file('UserBehavior.csv', tb), { behaviors: 'all' });
  assert.equal(Array.from(all.behavior!).map((b) => all.behaviorNames![b]), ['pv', 'buy', 'pv']);
  assert.equal(Array.from(all.category!).map((c) => all.categoryIds![c]), ['2520377', '2520771', '411153']);
});

test('generic delimited with named or indexed columns, quoted fields', async () => {
  const p = file('log.csv', 'ts,who,what,extra\n5,a,"x,1",q\n3,b,y,r\n');
  const ev = await readEvents(p, { format: 'delimited', columns: { user: 'who', item: 'what', time: 'ts' } });
  assert.equal(rows(ev), [['a', 'x,1', 5], ['b', 'y', 3]]);
  const noHeader = await readEvents({ text: 'a;x;1\nb;y;2\n', name: 'semi.txt' }, { format: 'delimited', header: false, delimiter: ';', columns: { user: 0, item: 1, time: 2 } });
  assert.equal(rows(noHeader), [['a', 'x', 1], ['b', 'y', 2]]);
  try { await readEvents(p, { format: 'delimited', columns: { user: 'who', item: 'item' } }); assert.unreachable(); } catch (e) {
    assert.match((e as Error).message, /log\.csv line 1: header has no item column "item" \(columns: ts,who,what,extra\)/);
  }
});

test('bytes, gzip bytes, text and web ReadableStream sources', async () => {
  const text = '1 5 6\n2 6 7 8 9\n'; // widths differ: one sequence per line, not space-separated events
  const gz = new Uint8Array(gzipSync(Buffer.from(text)));
  for (const src of [new TextEncoder().encode(text), gz, { text }, { bytes: gz, name: 'x.txt.gz' }]) {
    const ev = await readEvents(src);
    assert.is(ev.length, 6);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(c) { c.enqueue(gz.subarray(0, 7)); c.enqueue(gz.subarray(7)); c.close(); },
  });
  assert.is((await readEvents(stream)).length, 6);
  // a line split across chunks, with a multi-byte character on the boundary
  const bytes = new TextEncoder().encode('a é\nb c');
  const split = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes.subarray(0, 3)); c.enqueue(bytes.subarray(3)); c.close(); } });
  const lines: string[] = [];
  await forEachLine(split, (l) => lines.push(l));
  assert.equal(lines, ['a é', 'b c']);
});

test('strict mode: first bad line throws naming file, line, field and the expected shape', async () => {
  const p = file('ratings.csv', 'userId,movieId,rating,timestamp\n1,10,4.0,100\n1,20,3.5,abc\n');
  try { await readEvents(p, { strict: true }); assert.unreachable(); } catch (e) {
    assert.is((e as Error).message,
      'readEvents: ratings.csv line 3: timestamp "abc" is not a number (expected userId,movieId,rating,timestamp); fix the line or pass strict: false to skip it');
  }
  try { await readEvents(file('u.data', '1\t2\t3\t4\n1\t2\n'), { strict: true }); assert.unreachable(); } catch (e) {
    assert.match((e as Error).message, /u\.data line 2: expected 4 fields, got 2 \(expected user<TAB>item<TAB>rating<TAB>timestamp\)/);
  }
  try { await readEvents(file('b.txt', '1 2 3\n7\n'), { strict: true, format: 'sequence' }); assert.unreachable(); } catch (e) {
    assert.match((e as Error).message, /b\.txt line 2: user "7" has no items/);
  }
});

test('lenient mode (default) skips and counts malformed lines', async () => {
  const warnings: string[] = [];
  const p = file('ratings.csv', 'userId,movieId,rating,timestamp\n1,10,4.0,100\n1,20,x,5\n1,,4,5\n\n2,3\n2,30,1.0,7\n');
  const ev = await readEvents(p, { onWarning: (m) => warnings.push(m) });
  assert.is(ev.length, 2);
  assert.is(ev.summary.skipped, 3);
  assert.equal(ev.summary.reasons, { 'rating is not a number': 1, 'movieId id is empty': 1, 'too few fields': 1 });
  assert.is(warnings.length, 3);
  assert.match(warnings[0], /ratings\.csv line 3: rating "x" is not a number/);
  assert.match(describeSummary(ev.summary), /2 events from 6 lines, 3 malformed lines skipped/);
});

test('empty, header-only, all-bad, unknown format and missing files are errors', async () => {
  const cases: [string, RegExp][] = [
    [file('empty.csv', ''), /empty\.csv: no events read \(the file is empty\)/],
    [file('ratings.csv', 'userId,movieId,rating,timestamp\n'), /no events read \(the file has only a header\)/],
    [file('bad.dat', '1::2::x::4\n'), /no events read \(all 1 data lines were malformed/],
    [file('weird.txt', 'a,b\n'), /weird\.txt: cannot detect the format of line 1 "a,b"; pass the format \(--format or format:\) as one of/],
    [join(dir, 'missing.csv'), /cannot open .*missing\.csv \(ENOENT: no such file\)/],
  ];
  for (const [p, re] of cases) {
    try { await readEvents(p); assert.unreachable(`${p} should fail`); } catch (e) { assert.match((e as Error).message, re); }
  }
  try { await readEvents(file('bad.gz', 'not gzip at all'), {}); assert.unreachable(); } catch (e) {
    assert.match((e as Error).message, /bad\.gz: gzip data is corrupt or truncated/);
  }
});

test.run();
