// `mirec synth`: the planted-interest generator written to a file while it is drawn, at the
// unit-test sizes (tiny, small, medium) or the papers' sizes (book ≈ Amazon Book, taobao ≈
// Taobao). The file is written beside its target and renamed into place when complete; an
// existing file is kept unless --force.
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SYNTHETIC_PRESETS } from '../../data/synthetic.js';
import { SCALE_PRESETS, writeSynthetic, type SynthFormat } from '../../data/synthetic-stream.js';
import { UsageError } from '../args.js';
import { defineCommand } from '../command.js';

const PRESETS = ['tiny', 'small', 'medium', 'book', 'taobao'] as const;

export const synth = defineCommand({
  name: 'synth',
  summary: 'write a synthetic planted-interest event file (up to Amazon Book and Taobao size)',
  usage: '--preset book --out book.csv [--seed 1] [--users N] [--format comirec|taobao] [--force]',
  engine: false,
  options: {
    preset: { type: 'string', value: 'NAME', choices: PRESETS, default: 'small', help: 'tiny, small, medium, or book (460k users, 310k items, ≈9.2M events) and taobao (1M users, 1.7M items, ≈25M events)' },
    out: { type: 'string', value: 'FILE', help: 'the event file to write (required)' },
    format: { type: 'string', value: 'NAME', choices: ['comirec', 'taobao'], help: 'comirec: user,item,index; taobao: user,item,category,pv,time (default: taobao for the taobao preset, else comirec)' },
    seed: { type: 'number', value: 'N', integer: true, default: '1', help: 'seed of every draw' },
    users: { type: 'number', value: 'N', integer: true, min: 1, help: 'override the preset\'s user count' },
    force: { type: 'boolean', help: 'replace an existing --out file' },
  },
  details: 'The files are read by `mirec train --data FILE` (format detected from the first line).',
  async run(o) {
    if (o.out === undefined) throw new UsageError('--out FILE is required');
    if (existsSync(o.out) && !o.force) throw new UsageError(`--out ${o.out} exists; pass --force to replace it`);
    const name = o.preset ?? 'small';
    const scale = name === 'book' || name === 'taobao' ? SCALE_PRESETS[name] : null;
    const base = scale ? scale.config : SYNTHETIC_PRESETS[name as 'tiny' | 'small' | 'medium'];
    const format: SynthFormat = o.format ?? scale?.format ?? 'comirec';
    const config = { ...base, seed: o.seed ?? base.seed, users: o.users ?? base.users };
    const tmp = join(dirname(o.out), `.${basename(o.out)}.${process.pid}.tmp`);
    const file = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => file.on('error', (e) => reject(new Error(`--out ${o.out}: ${e.message}`))));
    const write = (text: string) =>
      Promise.race([failed, new Promise<void>((resolve) => (file.write(text) ? resolve() : file.once('drain', resolve)))]);
    const t0 = performance.now();
    const every = Math.max(1, Math.floor(config.users / 20));
    try {
      const st = await writeSynthetic(config, format, write, {
        onUser: (u) => {
          if ((u + 1) % every === 0 && process.stderr.isTTY) process.stderr.write(`\rmirec synth: ${Math.round(((u + 1) / config.users) * 100)} % of ${config.users} users`);
        },
      });
      await Promise.race([failed, new Promise<void>((resolve) => file.end(resolve))]);
      await rename(tmp, o.out);
      const s = (performance.now() - t0) / 1000;
      process.stderr.write(`\rmirec synth: ${name} (${format}) at ${o.out}: ${st.users} users, ${st.items} items, ${st.events} events, ${(st.bytes / 1048576).toFixed(1)} MiB in ${s.toFixed(1)} s\n`);
    } catch (e) {
      file.destroy();
      await rm(tmp, { force: true });
      throw e;
    }
  },
});
