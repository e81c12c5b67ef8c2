// `mirec embed-users`: the offline half of serving at scale. Every user of a data file gets the
// interest vectors of their latest history window (what recommend would compute online), streamed
// to a safetensors file (vectors F32 [U, K, D], active U8 [U, K], user ids in the metadata) or to
// JSONL (one user per line), batch by batch with progress, then renamed into place atomically.
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { loadData, loadModel } from '../inputs.js';
import { CHECKPOINT_OPTION, DATA_OPTIONS } from '../options.js';

export const embedUsers = defineCommand({
  name: 'embed-users',
  summary: 'write every user\'s interest vectors and active mask (safetensors or JSONL), for an offline publishing job',
  usage: '--checkpoint FILE --data FILE --out users.safetensors|users.jsonl [--batch 512]',
  options: {
    ...CHECKPOINT_OPTION,
    ...DATA_OPTIONS,
    out: { type: 'string', value: 'FILE', help: 'users.safetensors (vectors F32 [U,K,D], active U8 [U,K]) or users.jsonl (one user per line)' },
    batch: { type: 'number', value: 'B', integer: true, min: 1, default: '512', help: 'users encoded per batch' },
  },
  details: 'Each user\'s history is their whole event sequence (the last seq-len known items are used). Use the --data, --filter and --split-seed of the training run.',
  async run(o) {
    if (o.checkpoint === undefined) throw new UsageError('--checkpoint FILE is required');
    if (o.out === undefined) throw new UsageError('--out FILE is required (.safetensors or .jsonl)');
    const jsonl = /\.jsonl$/i.test(o.out);
    if (!jsonl && !/\.safetensors$/i.test(o.out)) throw new UsageError(`--out ${o.out}: expected a .safetensors or .jsonl file name`);
    const rec = await loadModel(o.checkpoint);
    const { ds } = await loadData(o);
    if (ds.vocab.size !== rec.vocab.size || ds.vocab.ids.some((id, i) => id !== rec.vocab.ids[i])) {
      throw new UsageError(`--data ${o.data}: a different item vocabulary than the checkpoint was trained on (same file, --filter and --split-seed needed)`);
    }
    const U = ds.userIds.length;
    const B = o.batch ?? 512;
    const tmp = join(dirname(o.out), `.${basename(o.out)}.${process.pid}.tmp`);
    const f = await open(tmp, 'w').catch((e: Error) => { throw new Error(`embed-users: cannot write ${o.out}: ${e.message}`); });
    const t0 = performance.now();
    let K = 0, D = 0, written = 0, lastNote = t0;
    let activeAll = new Uint8Array(0);
    try {
      for (let u0 = 0; u0 < U; u0 += B) {
        const users = ds.userIds.slice(u0, u0 + B);
        const hist = users.map((_, i) => Array.from(ds.sequences[u0 + i], (x) => ds.vocab.raw(x)));
        const emb = rec.embed(hist, { user: users });
        if (u0 === 0) {
          ({ interests: K, dim: D } = emb);
          activeAll = new Uint8Array(U * K);
          if (!jsonl) await f.write(safetensorsHeader(U, K, D, ds.userIds, rec.model.kind));
        }
        activeAll.set(emb.active, u0 * K);
        if (jsonl) {
          const lines = users.map((id, i) => JSON.stringify({
            user: id,
            active: Array.from(emb.active.subarray(i * K, (i + 1) * K)),
            vectors: Array.from({ length: K }, (_, k) => Array.from(emb.vectors.subarray((i * K + k) * D, (i * K + k + 1) * D), (v) => +v.toPrecision(9))),
          }));
          await f.write(lines.join('\n') + '\n');
        } else await f.write(new Uint8Array(emb.vectors.buffer, emb.vectors.byteOffset, emb.vectors.byteLength));
        written += users.length;
        const now = performance.now();
        if (now - lastNote > 2000 || written === U) {
          lastNote = now;
          process.stderr.write(`mirec embed-users: ${written} / ${U} users (${Math.round(written / ((now - t0) / 1000))} users/s)\n`);
        }
      }
      if (!jsonl) await f.write(activeAll);
      await f.sync();
      await f.close();
      await rename(tmp, o.out);
    } catch (e) {
      await f.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw e;
    }
    const s = (performance.now() - t0) / 1000;
    process.stdout.write(JSON.stringify({ out: o.out, users: U, interests: K, dim: D, seconds: +s.toFixed(2), usersPerSecond: Math.round(U / s) }, null, 2) + '\n');
  },
});

/** The safetensors header (8-byte length + JSON padded to 8) for vectors then active. */
function safetensorsHeader(U: number, K: number, D: number, users: readonly string[], kind: string): Uint8Array {
  const vb = U * K * D * 4;
  const head = {
    __metadata__: { format: 'mirec-user-interests', model: kind, users: JSON.stringify(users) },
    vectors: { dtype: 'F32', shape: [U, K, D], data_offsets: [0, vb] },
    active: { dtype: 'U8', shape: [U, K], data_offsets: [vb, vb + U * K] },
  };
  let json = JSON.stringify(head);
  json += ' '.repeat((8 - ((json.length) % 8)) % 8);
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}
