// `mirec data` against a local HTTP server (no network): zip and tar.gz sets unpacked and checked
// against known sha256, a resumed download (HTTP Range), record-on-first-download hashes, refused
// mismatches and oversize bodies, `data list`, `data get` through $MIREC_DATA_MIRROR, and
// `train --dataset` reading the cache (or saying how to fill it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDataset, recordedHashes } from '../../src/cli/datasets/store.js';
import { DATASETS, type DatasetEntry } from '../../src/cli/datasets/catalogue.js';
import { main } from '../../src/cli/main.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { serveFixtures, tarGzOf, zipOf } from './fixture-server.js';
import { capture } from '../helpers/capture-output.js';

const sha = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');
const fresh = () => mkdtempSync(join(tmpdir(), 'mirec-data-'));

const ratings = 'userId,movieId,rating,timestamp\n' + Array.from({ length: 3000 }, (_, i) => `${1 + (i % 50)},${1 + ((i * 7) % 200)},4.0,${1000 + i}`).join('\n') + '\n';
const movies = 'movieId,title,genres\n1,Toy Story (1995),Comedy\n';
const zip = zipOf({ 'ml-fixture/ratings.csv': ratings, 'ml-fixture/movies.csv': movies, 'ml-fixture/README.txt': 'terms' });

const zipEntry = (archiveSha?: string, ratingsSha = sha(ratings)): DatasetEntry => ({
  name: 'fixture-ml', title: 'fixture', homepage: '', kind: 'zip',
  downloads: [{ url: 'http://unused.invalid/ml-fixture.zip', file: 'ml-fixture.zip', sha256: archiveSha, maxBytes: 1 << 20 }],
  files: [{ name: 'ratings.csv', from: 'ml-fixture/ratings.csv', sha256: ratingsSha }, { name: 'movies.csv', from: 'ml-fixture/movies.csv' }],
  events: { file: 'ratings.csv', format: 'movielens-csv' }, licence: 'test',
});

test('zip set: downloaded, unpacked, verified; the second get is served from the cache', async () => {
  const srv = await serveFixtures({ 'ml-fixture.zip': zip });
  const dir = fresh();
  try {
    const m = await getDataset(zipEntry(sha(zip)), { dir, mirror: srv.url });
    assert.equal(readFileSync(join(dir, 'fixture-ml', 'ratings.csv'), 'utf8'), ratings);
    assert.is(m.files['movies.csv'], sha(movies));
    assert.is(m.sources[0].sha256, sha(zip));
    assert.ok(!existsSync(join(dir, 'fixture-ml', 'README.txt')), 'only the listed members are kept');
    await getDataset(zipEntry(sha(zip)), { dir, mirror: srv.url });
    assert.is(srv.log.length, 1);
  } finally {
    await srv.close();
  }
});

test('resume: a cut download continues with a Range request and ends with the right bytes', async () => {
  // Incompressible bytes, so the archive is far longer than the cut.
  const big = zipOf({ 'ml-fixture/ratings.csv': ratings, 'ml-fixture/movies.csv': movies, 'ml-fixture/noise.bin': randomBytes(60_000) });
  assert.ok(big.length > 60_000);
  const srv = await serveFixtures({ 'ml-fixture.zip': big });
  srv.cut.set('ml-fixture.zip', 4096);
  const dir = fresh();
  const entry = zipEntry(sha(big), undefined);
  try {
    await getDataset(entry, { dir, mirror: srv.url }).then(() => assert.unreachable('a cut download must fail'), (e: Error) =>
      assert.match(e.message, /ml-fixture\.zip: .*(closed|terminated|socket)/i));
    assert.ok(existsSync(join(dir, 'downloads', 'ml-fixture.zip.part')));
    const seen: number[] = [];
    await getDataset(entry, { dir, mirror: srv.url, onProgress: (p) => seen.push(p.received) });
    assert.is(srv.log[1].range, 'bytes=4096-');
    assert.is(seen[0], 4096);
    assert.is(sha(readFileSync(join(dir, 'downloads', 'ml-fixture.zip'))), sha(big));
    assert.ok(existsSync(join(dir, 'fixture-ml', 'ratings.csv')));
  } finally {
    await srv.close();
  }
});

test('hashes: a known hash mismatch is refused; without one the first download is recorded and later ones checked', async () => {
  const srv = await serveFixtures({ 'ml-fixture.zip': zip });
  try {
    const dir = fresh();
    await getDataset(zipEntry('0'.repeat(64)), { dir, mirror: srv.url }).then(() => assert.unreachable(), (e: Error) =>
      assert.match(e.message, /sha256 [0-9a-f]{64} does not match the known 0{64}; the file was moved to .*ml-fixture\.zip\.bad/));
    const member = fresh();
    await getDataset(zipEntry(undefined, '1'.repeat(64)), { dir: member, mirror: srv.url }).then(() => assert.unreachable(), (e: Error) =>
      assert.match(e.message, /fixture-ml: ratings\.csv has sha256 [0-9a-f]{64}, expected 1{64}/));
    const rec = fresh();
    await getDataset(zipEntry(undefined), { dir: rec, mirror: srv.url });
    assert.equal(recordedHashes(rec), { 'ml-fixture.zip': sha(zip) });
    // Upstream changes its bytes; a fresh cache folder with the old record refuses them.
    srv.files.set('ml-fixture.zip', zipOf({ 'ml-fixture/ratings.csv': ratings, 'ml-fixture/movies.csv': 'changed' }));
    const again = fresh();
    writeFileSync(join(again, 'recorded-sha256.json'), readFileSync(join(rec, 'recorded-sha256.json')));
    await getDataset(zipEntry(undefined), { dir: again, mirror: srv.url }).then(() => assert.unreachable(), (e: Error) =>
      assert.match(e.message, /does not match the recorded [0-9a-f]{64}.*remove its line from/));
  } finally {
    await srv.close();
  }
});

test('bounds and damage: an oversize body, a missing member, a file that is not a zip', async () => {
  const srv = await serveFixtures({ 'ml-fixture.zip': zip });
  try {
    const small = { ...zipEntry(undefined), downloads: [{ ...zipEntry().downloads[0], maxBytes: 100 }] };
    await getDataset(small, { dir: fresh(), mirror: srv.url }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /more than the 100 expected/));
    const missing = { ...zipEntry(undefined), files: [{ name: 'tags.csv', from: 'ml-fixture/tags.csv' }] };
    await getDataset(missing, { dir: fresh(), mirror: srv.url }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /has no member ml-fixture\/tags\.csv/));
    srv.files.set('ml-fixture.zip', Buffer.from('this is not a zip archive at all, just some words'));
    await getDataset(zipEntry(undefined), { dir: fresh(), mirror: srv.url }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /ml-fixture\.zip: not a readable zip archive/));
  } finally {
    await srv.close();
  }
});

test('tar.gz set (ComiRec layout): members picked by path, the three splits concatenated', async () => {
  const parts = { train: '0,1,0\n0,2,1\n', valid: '1,3,0\n1,4,1\n', test: '2,5,0\n2,6,1' };
  const tgz = tarGzOf({ 'data/book_data/book_train.txt': parts.train, 'data/book_data/book_valid.txt': parts.valid, 'data/book_data/book_test.txt': parts.test, 'data/book_data/book_item_cate.txt': '1,7\n', 'data/taobao_data/taobao_train.txt': 'x' });
  const srv = await serveFixtures({ 'comirec-data.tar.gz': tgz });
  const dir = fresh();
  try {
    const book = DATASETS.find((d) => d.name === 'comirec-book')!;
    const entry = { ...book, files: book.files.map((f) => ({ ...f, sha256: undefined })) };
    await getDataset(entry, { dir, mirror: srv.url });
    assert.is(readFileSync(join(dir, 'comirec-book', 'book.txt'), 'utf8'), `${parts.train}\n${parts.valid}\n${parts.test}\n`);
    assert.is(readFileSync(join(dir, 'comirec-book', 'book_item_cate.txt'), 'utf8'), '1,7\n');
    assert.ok(!existsSync(join(dir, 'comirec-book', 'taobao_train.txt')));
  } finally {
    await srv.close();
  }
});

test('CLI: data list, data get through MIREC_DATA_MIRROR, train --dataset from the cache', async () => {
  const list = await capture(() => main(['data', 'list', '--dir', fresh()]));
  assert.is(list.code, 0, list.err);
  for (const d of DATASETS) assert.ok(list.out.includes(d.name), d.name);
  assert.match(list.out, /movielens-1m +MovieLens 1M[^\n]*\n +source +https:\/\/files\.grouplens\.org\/datasets\/movielens\/ml-1m\.zip\n +sha256 +known sha256[^\n]*\n +terms +GroupLens terms: research use only/);
  assert.match(list.out, /recbole-ml-100k[^]*?sha256 +no published sha256: recorded at the first download/);
  assert.match(list.out, /taobao-userbehavior[^]*?sign-in/);

  const ev = generateSynthetic('tiny').events;
  const inter = 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n' +
    Array.from({ length: ev.length }, (_, i) => `${ev.userIds[ev.user[i]]}\t${ev.itemIds[ev.item[i]]}\t5\t${i}`).join('\n') + '\n';
  const srv = await serveFixtures({ 'recbole-ml-100k.zip': zipOf({ 'ml-100k/ml-100k.inter': inter }) });
  const dir = fresh();
  process.env.MIREC_DATA_MIRROR = srv.url;
  try {
    const get = await capture(() => main(['data', 'get', 'recbole-ml-100k', '--dir', dir]));
    assert.is(get.code, 0, get.err);
    assert.match(get.err, /terms: RecBole's conversion/);
    assert.match(get.err, /no published sha256; recorded [0-9a-f]{64}/);
    assert.match(get.out, /train with: mirec train --dataset recbole-ml-100k --data-dir /);
    const listed = await capture(() => main(['data', 'list', '--dir', dir]));
    assert.match(listed.out, /recbole-ml-100k +[^\n]*\[cached\]/);
    const tr = await capture(() => main(['train', '--dataset', 'recbole-ml-100k', '--data-dir', dir, '--no-filter', '--dim', '8', '--batch', '32', '--max-steps', '10']));
    assert.is(tr.code, 0, tr.err);
    assert.match(tr.err, /ml-100k\.inter: \d+ users/);
    assert.match(tr.out, /\| comirec-sa \| [\d.]+ \|/);
  } finally {
    delete process.env.MIREC_DATA_MIRROR;
    await srv.close();
  }
  for (const [argv, code, re] of [
    [['train', '--dataset', 'movielens-1m', '--data-dir', fresh()], 2, /movielens-1m is not in the data cache .*; run `mirec data get movielens-1m --dir .*` first/],
    [['train', '--dataset', 'movielens-1n'], 2, /no dataset "movielens-1n" \(did you mean movielens-1m\?\)/],
    [['train', '--dataset', 'yelp', '--data', 'x.csv'], 2, /--data and --dataset both name the data/],
    [['data', 'get', 'amazon-beuty'], 2, /no dataset "amazon-beuty" \(did you mean amazon-beauty\?\)/],
    [['data', 'fetch'], 2, /unknown action "fetch"/],
    [['data', 'get', 'taobao-userbehavior', '--dir', fresh()], 1, /sign-in|signed-in/],
  ] as [string[], number, RegExp][]) {
    const r = await capture(() => main(argv));
    assert.is(r.code, code, argv.join(' ') + r.err);
    assert.match(r.err, re);
  }
});

test.run();
