// The real `mirec` bin (dist/cli/bin.js, built by `npm test`) run as a child process on a small
// synthetic event file, with helpers to wait for output, send signals and list a folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSynthetic } from '../../src/data/synthetic.js';

export const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

/** A fresh folder with `events.tsv` (u.data layout: user, item, rating, time) of the tiny synthetic preset. */
export function workspace(prefix: string): { dir: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ev = generateSynthetic('tiny').events;
  const lines: string[] = [];
  for (let i = 0; i < ev.length; i++) lines.push(`${ev.userIds[ev.user[i]]}\t${ev.itemIds[ev.item[i]]}\t4\t${1e9 + ev.time[i]}`);
  const data = join(dir, 'events.tsv');
  writeFileSync(data, lines.join('\n') + '\n');
  return { dir, data };
}

/** Run the bin to completion. */
export function mirec(args: string[], opts: { input?: string; timeout?: number } = {}): { code: number | null; signal: string | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: opts.input, encoding: 'utf8', timeout: opts.timeout ?? 120_000 });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** Start the bin; `waitFor(re)` resolves once stderr matches. */
export function start(args: string[]): { child: ChildProcess; err: () => string; waitFor: (re: RegExp, ms?: number) => Promise<void>; done: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const waitFor = (re: RegExp, ms = 60_000) => new Promise<void>((resolve, reject) => {
    const t0 = Date.now();
    const poll = () => {
      if (re.test(err)) return resolve();
      if (child.exitCode !== null || Date.now() - t0 > ms) return reject(new Error(`never saw ${re} in stderr: ${err.slice(-500)}`));
      setTimeout(poll, 20);
    };
    poll();
  });
  return { child, err: () => err, waitFor, done };
}

/** Names in a folder, temp files included. */
export const ls = (dir: string) => readdirSync(dir).sort();
