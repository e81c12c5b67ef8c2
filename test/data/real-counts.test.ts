// docs/protocols.md#retrieval-datasets counts after the docs/protocols.md#preprocessing filter. Always asserted on a generated file with known counts (a
// 5/5 filter that removes items and users); additionally on the real files in ../shared/data
// when that folder exists (never copied into the repo), with the skip reason printed otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readEvents } from '../../src/data/read-events.js';
import { prepareRetrieval } from '../../src/data/protocol.js';
import '../helpers/node-host.js'; // paths go through the library's file system

test('generated ratings.csv.gz: the filter reproduces hand-computed counts', async () => {
  // users 1..6 rate items 1..5 (x6 each = 30 events); user 7 rates items 1..3 and 90..91 (3 kept
  // events → dropped); item 90, 91 have 1 event each → dropped; item 1 also rated by user 7.
  const lines = ['userId,movieId,rating,timestamp'];
  for (let u = 1; u <= 6; u++) for (let i = 1; i <= 5; i++) lines.push(`${u},${i},4.0,${1000 * u + i}`);
  for (const i of [1, 2, 3, 90, 91]) lines.push(`7,${i},3.0,${7000 + i}`);
  const p = join(mkdtempSync(join(tmpdir(), 'mirec-counts-')), 'ratings.csv.gz');
  writeFileSync(p, gzipSync(Buffer.from(lines.join('\n') + '\n')));
  const ds = prepareRetrieval(await readEvents(p));
  assert.equal(
    { users: ds.stats.users, items: ds.stats.items, events: ds.stats.events },
    { users: 6, items: 5, events: 30 },
  );
  assert.is(ds.stats.droppedItems, 2);
  assert.is(ds.stats.droppedUsers, 1);
});

const DATA = [resolve('../shared/data'), '/work/shared/data'].find((d) => existsSync(d));
const REAL: [string, { users: number; items: number; events: number }][] = [
  ['ml-latest-small/ratings.csv.gz', { users: 610, items: 3650, events: 90274 }],
  ['amazon-beauty/Beauty.txt.gz', { users: 22363, items: 12101, events: 198502 }],
  ['ml-100k/u.data.gz', { users: 943, items: 1349, events: 99287 }],
  ['lastfm-s3rec/LastFM.txt.gz', { users: 1090, items: 3646, events: 52551 }],
];

for (const [rel, want] of REAL) {
  test(`real file ${rel}: docs/protocols.md#retrieval-datasets counts after the filter`, async () => {
    const p = DATA && join(DATA, rel);
    if (!p || !existsSync(p)) { console.log(`  (skipped ${rel}: ../shared/data not present; the generated-file test above still ran)`); return; }
    const ds = prepareRetrieval(await readEvents(p, { strict: true }));
    assert.equal({ users: ds.stats.users, items: ds.stats.items, events: ds.stats.events }, want);
  });
}

test.run();
