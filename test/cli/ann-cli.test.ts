// mirec index / recommend --index --nprobe / embed-users end to end on a small generated file:
// the index file loads back, probing every list reproduces exact recommend, shards are written,
// embed-users writes a safetensors file our reader decodes (vectors equal Recommender.embed)
// and a JSONL file with one user per line; --stream writes the same index file without loading
// the model; bad flag combinations are usage errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { Recommender } from '../../src/serve/recommender.js';
import { capture } from '../helpers/capture-output.js';

test('index → recommend --index --nprobe; embed-users to safetensors and JSONL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-ann-cli-'));
  const d = generateSynthetic('tiny');
  const ev = d.events;
  const file = join(dir, 'events.csv');
  writeFileSync(file, Array.from({ length: ev.length }, (_, i) => `${ev.userIds[ev.user[i]]},${ev.itemIds[ev.item[i]]},${i}`).join('\n') + '\n');
  const ck = join(dir, 'm.safetensors');
  const data = ['--data', file, '--format', 'comirec', '--no-filter'];
  assert.is((await capture(() => main(['train', ...data, '--dim', '16', '--batch', '64', '--max-steps', '40', '--eval-every', '20', '--out', ck]))).code, 0);
  const ivf = join(dir, 'm.ivf');
  const built = await capture(() => main(['index', '--checkpoint', ck, '--lists', '6', '--out', ivf, '--shards', '2', '--storage', 'int8']));
  assert.is(built.code, 0, built.err);
  const rep = JSON.parse(built.out);
  assert.is(rep.lists, 6);
  assert.ok(rep.buildSeconds >= 0 && /MB$/.test(rep.peakRss) && rep.fileBytes > 0);
  assert.ok(existsSync(join(dir, 'm.shard-0-of-2.ivf')) && existsSync(join(dir, 'm.shard-1-of-2.ivf')));
  // --stream reads the item table from the checkpoint file by row ranges: the same file, byte for byte.
  const ivf1 = join(dir, 'm1.ivf'), ivfS = join(dir, 'm-stream.ivf');
  assert.is((await capture(() => main(['index', '--checkpoint', ck, '--lists', '6', '--out', ivf1, '--storage', 'int8']))).code, 0);
  const streamed = await capture(() => main(['index', '--checkpoint', ck, '--lists', '6', '--out', ivfS, '--storage', 'int8', '--stream']));
  assert.is(streamed.code, 0, streamed.err);
  assert.ok(JSON.parse(streamed.out).stream && /^sample 0\//m.test(streamed.err), 'report and progress');
  assert.ok(Buffer.compare(readFileSync(ivfS), readFileSync(ivf1)) === 0, '--stream writes the same file');
  const both = await capture(() => main(['index', '--checkpoint', ck, '--lists', '6', '--out', ivfS, '--stream', '--shards', '2']));
  assert.is(both.code, 2);
  assert.match(both.err, /--stream writes one index file/);
  const hist = Array.from(d.events.item.subarray(0, 5), (i) => d.events.itemIds[i]).join(',');
  const exact = JSON.parse((await capture(() => main(['recommend', '--checkpoint', ck, '--history', hist, '--top-n', '8']))).out);
  const viaAll = await capture(() => main(['recommend', '--checkpoint', ck, '--history', hist, '--top-n', '8', '--index', ivf, '--nprobe', '6', '--rerank', '40']));
  assert.is(viaAll.code, 0, viaAll.err);
  const all = JSON.parse(viaAll.out);
  assert.match(all.index, /IvfIndex\(\d+ items, 6 lists, int8/);
  assert.equal(all.recommendations.map((r: { item: string }) => r.item), exact.recommendations.map((r: { item: string }) => r.item), 'every list probed + exact re-rank = exact');
  const bad = await capture(() => main(['recommend', '--checkpoint', ck, '--history', hist, '--nprobe', '2']));
  assert.is(bad.code, 2);
  assert.match(bad.err, /--nprobe and --rerank need --index/);
  const other = join(dir, 'other.ivf');
  writeFileSync(other, 'not an index');
  const wrong = await capture(() => main(['recommend', '--checkpoint', ck, '--history', hist, '--index', other]));
  assert.is(wrong.code, 2);
  assert.match(wrong.err, /--index .*other\.ivf: .*not a mirec IVF index/);

  const st = join(dir, 'users.safetensors');
  const emb = await capture(() => main(['embed-users', '--checkpoint', ck, ...data, '--out', st, '--batch', '7']));
  assert.is(emb.code, 0, emb.err);
  assert.match(emb.err, /embed-users: \d+ \/ \d+ users/);
  const f = decodeSafetensors(readFileSync(st), 'users.safetensors');
  const users = JSON.parse(f.metadata.users) as string[];
  const [U, K, D] = f.tensors.get('vectors')!.shape;
  assert.is(U, users.length);
  assert.equal(f.tensors.get('active')!.shape, [U, K]);
  const rec = await Recommender.load(ck);
  const first = rec.embed([Array.from(d.events.item.filter((_, i) => ev.userIds[ev.user[i]] === users[0]), (i) => d.events.itemIds[i])], { user: [users[0]] });
  const v = new Float32Array(f.tensors.get('vectors')!.bytes.slice(0, K * D * 4).buffer);
  assert.equal(Array.from(v), Array.from(first.vectors));
  const jl = join(dir, 'users.jsonl');
  assert.is((await capture(() => main(['embed-users', '--checkpoint', ck, ...data, '--out', jl]))).code, 0);
  const lines = readFileSync(jl, 'utf8').trim().split('\n');
  assert.is(lines.length, U);
  const row = JSON.parse(lines[0]);
  assert.is(row.user, users[0]);
  assert.is(row.vectors.length, K);
  assert.is(row.vectors[0][0], +first.vectors[0].toPrecision(9));
  const noExt = await capture(() => main(['embed-users', '--checkpoint', ck, ...data, '--out', join(dir, 'users.bin')]));
  assert.is(noExt.code, 2);
});

test.run();
