// The mirec command: option parsing (per-command tables, kebab-case flags with camelCase aliases,
// types, config file, did-you-mean, inapplicable flags), --help/-h/--version, exit codes, the
// quick demo end to end, and train → checkpoint → recommend on a small generated file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, UsageError } from '../../src/cli/args.js';
import { defineCommand } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { generateSynthetic } from '../../src/data/synthetic.js';
import { capture } from '../helpers/capture-output.js';

const probe = defineCommand({
  name: 'probe', summary: 'test', usage: '',
  options: {
    dim: { type: 'number', help: '', integer: true, min: 1 },
    seqLen: { type: 'number', help: '' },
    model: { type: 'string', help: '', choices: ['mind', 'comirec-sa'] },
    strict: { type: 'boolean', help: '' },
    filter: { type: 'boolean', help: '' },
  },
  run: async () => {},
});
const other = defineCommand({ name: 'other', summary: '', usage: '', options: { checkpoint: { type: 'string', help: '' } }, run: async () => {} });
const parse = (argv: string[]) => parseCommandLine(argv, probe, [probe, other]).options;
const usageError = (argv: string[], re: RegExp) =>
  assert.throws(() => parse(argv), (e: Error) => e instanceof UsageError && re.test(e.message), argv.join(' '));

test('parseCommandLine: typed values, kebab-case flags and camelCase aliases, booleans', () => {
  assert.equal(parse(['--dim', '32', '--strict', '--model=mind']), { dim: 32, strict: true, model: 'mind' });
  assert.equal(parse(['--seq-len', '7']), { seqLen: 7 });
  assert.equal(parse(['--seqLen=9']), { seqLen: 9 });
  assert.equal(parse(['--filter', 'false', '--strict']), { filter: false, strict: true });
  assert.equal(parse(['--no-filter', '--strict=false']), { filter: false, strict: false });
  assert.equal(parse(['--seq-len', '-3']), { seqLen: -3 });
  assert.ok(parseCommandLine(['--dim', 'x', '-h'], probe).help);
  assert.ok(parseCommandLine(['--help'], probe).help);
});

test('parseCommandLine: config file merged under flags, either key spelling, unknown keys refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-cli-'));
  writeFileSync(join(dir, 'c.json'), JSON.stringify({ dim: 16, model: 'comirec-sa', 'seq-len': 5 }));
  assert.equal(parse(['--config', join(dir, 'c.json'), '--dim', '8']), { dim: 8, model: 'comirec-sa', seqLen: 5, config: join(dir, 'c.json') });
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ dimm: 16 }));
  usageError(['--config', join(dir, 'bad.json')], /has no option "dimm" \(did you mean "dim"\?\)/);
  writeFileSync(join(dir, 'type.json'), JSON.stringify({ dim: 'big' }));
  usageError(['--config', join(dir, 'type.json')], /--dim expects a number, got "big"/);
  writeFileSync(join(dir, 'arr.json'), '[1]');
  usageError(['--config', join(dir, 'arr.json')], /expects a JSON object/);
});

test('parseCommandLine: unknown, inapplicable and malformed flags are usage errors', () => {
  usageError(['--dimm', '3'], /unknown option --dimm for `mirec probe` \(did you mean --dim\?\)/);
  usageError(['--seqlen', '3'], /did you mean --seq-len\?/);
  usageError(['--checkpoint', 'f'], /--checkpoint does not apply to `mirec probe` \(it is an option of mirec other\)/);
  usageError(['-x'], /unknown option -x/);
  usageError(['--dim', 'abc'], /--dim expects a number, got "abc"/);
  usageError(['--dim', '1.5'], /--dim expects a whole number ≥ 1, got 1\.5/);
  usageError(['--dim'], /--dim expects a value/);
  usageError(['--dim', '--strict'], /--dim expects a value, got the option --strict/);
  usageError(['--model', 'mnd'], /--model expects mind or comirec-sa, got "mnd" \(did you mean mind\?\)/);
  usageError(['--strict=maybe'], /--strict expects true or false/);
  usageError(['stray'], /unexpected argument "stray"/);
});

test('--help, -h, --version at top level and per command; inapplicable flags of real commands', async () => {
  for (const argv of [['--help'], ['-h'], [], ['help']]) {
    const r = await capture(() => main(argv));
    assert.is(r.code, 0, argv.join(' '));
    for (const c of COMMANDS) assert.ok(r.out.includes(`  ${c.name} `), `${c.name} listed`);
    assert.match(r.out, /Exit codes:\n  0    success\n  1    runtime failure .*\n  2    usage error/);
    assert.not.match(r.out, /models\.md|evaluation\.md/);
  }
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  const v = await capture(() => main(['--version']));
  assert.is(v.code, 0);
  assert.is(v.out, `${version}\n`);
  for (const c of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      const r = await capture(() => main([c.name, flag]));
      assert.is(r.code, 0, `${c.name} ${flag}`);
      assert.match(r.out, new RegExp(`^mirec ${c.name} — `));
      assert.match(r.out, /-h, --help/);
      assert.not.match(r.out, /models\.md|evaluation\.md/);
    }
  }
  const t = await capture(() => main(['help', 'train']));
  assert.match(t.out, /--seq-len T .*\(alias --seqLen\)/);
  assert.match(t.out, /--max-steps N/);
  for (const [argv, msg] of [
    [['recommend', '--checkpoint', 'x', '--history', '1', '--dim', '8'], /--dim does not apply to `mirec recommend` \(it is an option of mirec demo, mirec train, mirec train-tags\)/],
    [['train', '--top-k', '5'], /--top-k does not apply to `mirec train` \(it is an option of mirec profile\)/],
    [['demo', '--checkpoint', 'x'], /--checkpoint does not apply to `mirec demo`/],
    [['--dim', '3'], /options go after the command/],
    [['help', 'trian'], /unknown command "trian" \(did you mean train\?\)/],
  ] as [string[], RegExp][]) {
    const r = await capture(() => main(argv));
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.err, msg);
  }
});

test('bad flag → exit code 2 and a message; help → 0', async () => {
  const r = await capture(() => main(['train', '--dimm', '3']));
  assert.is(r.code, 2);
  assert.match(r.err, /mirec: unknown option --dimm for `mirec train` \(did you mean --dim\?\)/);
  const missing = await capture(() => main(['train', '--data', '/no/such/file.csv']));
  assert.is(missing.code, 2);
  assert.match(missing.err, /--data \/no\/such\/file\.csv: .*ENOENT/);
  assert.is((await capture(() => main(['help']))).code, 0);
  for (const [argv, msg] of [
    [['train', '--model', 'comirec-ss', '--data', 'x'], /--model expects comirec-sa or .*, got "comirec-ss" \(did you mean comirec-sa\?\)/],
    [['train', '--dim', '0'], /--dim expects a whole number ≥ 1, got 0/],
    [['train', '--lr', '-1'], /--lr expects a number > 0, got -1/],
    [['train', '--profile', 'fast'], /--profile expects quick or paper, got "fast"/],
    [['trian'], /unknown command "trian" \(did you mean train\?\)/],
    [['train', 'extra'], /unexpected argument "extra"/],
    [['recommend', '--history', '1,2'], /--checkpoint FILE is required/],
  ] as [string[], RegExp][]) {
    const r = await capture(() => main(argv));
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.err, msg);
  }
});

test('demo --quick trains and prints the metrics and recovery tables', async () => {
  const r = await capture(() => main(['demo', '--quick']));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /\| model \| Recall@20 .* \| Div@50 \| steps\/s \|/);
  assert.match(r.out, /\| comirec-sa \| [\d.]+ \|/);
  assert.match(r.out, /\| youtube-dnn \| [\d.]+ \|/);
  assert.match(r.out, /\| most-popular \| [\d.]+ \|/);
  assert.match(r.out, /Interest recovery\n\| model \| vectors \| recovery/);
  assert.match(r.out, /\| comirec-sa \| 4\.00 \| [\d.]+ \|/);
});

test('train → checkpoint → recommend with raw ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-cli-'));
  const d = generateSynthetic('tiny');
  const ev = d.events;
  const lines = Array.from({ length: ev.length }, (_, i) => `${ev.userIds[ev.user[i]]},${ev.itemIds[ev.item[i]]},${i}`);
  const file = join(dir, 'events.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const ck = join(dir, 'm.safetensors');
  const report = join(dir, 'r.json');
  const r = await capture(() => main(['train', '--data', file, '--format', 'comirec', '--filter', 'false', '--dim', '16', '--batch', '64', '--maxSteps', '60', '--evalEvery', '30', '--out', ck, '--report', report]));
  assert.is(r.code, 0, r.err);
  assert.ok(existsSync(ck) && existsSync(report));
  const doc = JSON.parse(readFileSync(report, 'utf8'));
  assert.match(doc.data.sha256, /^[0-9a-f]{64}$/);
  assert.equal(doc.seeds, { seed: 1, splitSeed: 1230 });
  assert.is(doc.versions.mirec, '0.1.0');
  assert.ok(['wasm-simd', 'wasm', 'js'].includes(doc.backend));
  assert.ok(doc.stepsPerSec > 0 && doc.training.steps === 60);
  assert.is(doc.test.rows.length, 2);
  assert.is(doc.trainer.evalEvery, 30);
  // --resume continues the run from the checkpoint's step.
  const more = await capture(() => main(['train', '--data', file, '--format', 'comirec', '--no-filter', '--dim', '16', '--batch', '64', '--max-steps', '90', '--eval-every', '30', '--resume', ck, '--out', join(dir, 'm2.safetensors')]));
  assert.is(more.code, 0, more.err);
  assert.match(more.err, /resumed .*m\.safetensors at step (30|60)/);
  assert.match(more.err, /mirec: checkpoint \(step (30|60|90)\)/);
  const bad = await capture(() => main(['train', '--data', file, '--format', 'comirec', '--filter', 'false', '--dim', '8', '--resume', ck]));
  assert.is(bad.code, 2);
  assert.match(bad.err, /--resume: /);
  // Another split orders the items differently: refused from the checkpoint's header, before a tensor is read.
  const vocab = await capture(() => main(['train', '--data', file, '--format', 'comirec', '--no-filter', '--dim', '16', '--batch', '64', '--max-steps', '90', '--split-seed', '7', '--resume', ck]));
  assert.is(vocab.code, 2, vocab.err);
  assert.match(vocab.err, /--resume .*m\.safetensors: trained on another item vocabulary than this data's/);
  const hist = lines.slice(0, 5).map((l) => l.split(',')[1]).join(',');
  const rec = await capture(() => main(['recommend', '--checkpoint', ck, '--history', hist, '--topN', '5']));
  assert.is(rec.code, 0, rec.err);
  const out = JSON.parse(rec.out);
  assert.is(out.recommendations.length, 5);
  assert.ok(out.recommendations.every((x: { item: string }) => typeof x.item === 'string' && x.item !== ''));
  // eval with categories (the planted clusters as item,category lines) and the λ sweep.
  const cats = join(dir, 'cats.csv');
  writeFileSync(cats, 'item,category\n' + Array.from(d.items.cluster, (c, i) => `${d.items.ids[i]},c${c}`).join('\n') + '\n');
  const sweepFile = join(dir, 'sweep.json');
  const ev2 = await capture(() => main(['eval', '--checkpoint', ck, '--data', file, '--format', 'comirec', '--filter', 'false', '--categories', cats, '--lambdas', '0,0.1,1', '--report', sweepFile]));
  assert.is(ev2.code, 0, ev2.err);
  assert.match(ev2.out, /Div@50/);
  assert.match(ev2.err, /mirec: test pass ([\d,]+)\/\1 users \(100 %\)/, 'the test pass reports its progress');
  assert.match(ev2.out, /Controllable aggregation \(docs\/protocols\.md#aggregation-sweep\), N = 50, median top-1 score/);
  assert.match(ev2.out, /shape checks: recallNonIncreasing (yes|NO)/);
  const sw = JSON.parse(readFileSync(sweepFile, 'utf8')).sweep;
  assert.equal(sw.rows.map((r: { lambda: number }) => r.lambda), [0, 0.1, 1]);
  assert.ok(sw.rows[2].diversity >= sw.rows[0].diversity);
  const loo = await capture(() => main(['train', '--protocol', 'loo', '--data', file, '--format', 'comirec', '--filter=false', '--dim', '16', '--batch', '64', '--max-steps', '40']));
  assert.is(loo.code, 0, loo.err);
  assert.match(loo.out, /\| model \| HR@10 \| NDCG@10 \| HR@50 \| NDCG@50 \| HR@100 \| NDCG@100 \| steps\/s \|/);
  assert.match(loo.out, /leave-one-out/);
  const looSample = await capture(() => main(['train', '--protocol', 'loo', '--valid-users', '10', '--data', file, '--format', 'comirec', '--filter=false', '--max-steps', '5']));
  assert.is(looSample.code, 2);
  assert.match(looSample.err, /--valid-users applies to --protocol comirec/);
  const sampled = await capture(() => main(['train', '--valid-users', '10', '--data', file, '--format', 'comirec', '--filter=false', '--dim', '16', '--batch', '64', '--max-steps', '20', '--eval-every', '10', '--report', join(dir, 'v.json')]));
  assert.is(sampled.code, 0, sampled.err);
  assert.is(JSON.parse(readFileSync(join(dir, 'v.json'), 'utf8')).trainer.validUsers, 10);
  const typo = await capture(() => main(['train', '--model', 'comirec-dr', '--data', file, '--format', 'comirec', '--filter', 'false', '--modelConfig', '{"mapInt":"glorot"}']));
  assert.is(typo.code, 2);
  assert.match(typo.err, /--model-config: comirec-dr has no setting "mapInt"; did you mean mapInit\?/);
  const glorot = await capture(() => main(['train', '--model', 'comirec-dr', '--data', file, '--format', 'comirec', '--filter', 'false', '--dim', '16', '--batch', '64', '--maxSteps', '20', '--modelConfig', '{"mapInit":"glorot"}', '--report', join(dir, 'g.json')]));
  assert.is(glorot.code, 0, glorot.err);
  assert.is(JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8')).config.mapInit, 'glorot');
  // Per-slot maps on a small log: a note names the weights, the training events and the remedy.
  assert.match(glorot.err, /mirec: note: ComiRec-DR's per-slot maps have [\d,]+ weights for [\d,]+ training events; on data this small --model-config '\{"maps":"perInterest"\}'/);
  const shared = await capture(() => main(['train', '--model', 'comirec-dr', '--data', file, '--format', 'comirec', '--filter', 'false', '--dim', '16', '--batch', '64', '--maxSteps', '20', '--modelConfig', '{"maps":"perInterest"}', '--report', join(dir, 'p.json')]));
  assert.is(shared.code, 0, shared.err);
  assert.not.match(shared.err, /mirec: note: ComiRec-DR/);
  const pc = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8')).config;
  assert.equal([pc.maps, pc.mapInit], ['perInterest', 'glorot']);
  const badProto = await capture(() => main(['train', '--protocol', 'lo', '--data', file]));
  assert.is(badProto.code, 2);
  assert.match(badProto.err, /--protocol expects comirec or loo/);
  const noCats = await capture(() => main(['eval', '--checkpoint', ck, '--data', file, '--format', 'comirec', '--filter', 'false', '--lambdas', '0,0.1']));
  assert.is(noCats.code, 2);
  assert.match(noCats.err, /--lambdas needs --categories/);
});

test.run();
