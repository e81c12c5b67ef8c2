// `mirec data list` and `mirec data get NAME [--dir D]`: the public datasets mirec knows, fetched
// from their canonical addresses into the data cache with sha256 checks, resumable downloads, a
// progress bar on a terminal and each set's terms printed. `--dataset NAME` of train/eval reads
// the result. $MIREC_DATA_MIRROR replaces the download addresses (tests, private mirrors).
import { UsageError, closest } from '../args.js';
import { defineCommand } from '../command.js';
import { DATASETS, datasetNamed } from '../datasets/catalogue.js';
import { cachedManifest, defaultDataDir, getDataset, recordedHashes } from '../datasets/store.js';
import type { Progress } from '../datasets/fetch.js';

function progressBar(): (p: Progress) => void {
  const tty = !!process.stderr.isTTY;
  let last = 0;
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  return (p) => {
    const name = p.url.replace(/[?#].*$/, '').split('/').pop();
    if (!tty) {
      if (p.done) process.stderr.write(`mirec: ${name}: ${mb(p.received)} MB\n`);
      return;
    }
    const now = Date.now();
    if (!p.done && now - last < 100) return;
    last = now;
    const frac = p.total ? p.received / p.total : undefined;
    const bar = frac === undefined ? '' : `[${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}] ${(100 * frac).toFixed(0).padStart(3)}% `;
    process.stderr.write(`\r${bar}${mb(p.received)}${p.total ? `/${mb(p.total)}` : ''} MB ${name}\x1b[K${p.done ? '\n' : ''}`);
  };
}

function hashNote(dir: string, name: string): string {
  const e = datasetNamed(name)!;
  if (e.kind === 'manual') return 'fetched by hand (no download)';
  const recorded = recordedHashes(dir);
  const pinned = e.downloads.filter((d) => d.sha256).length, files = e.files.filter((f) => f.sha256).length;
  if (pinned === e.downloads.length) return `known sha256 for the download${files ? ` and ${files} of ${e.files.length} files` : ''}`;
  const rec = e.downloads.every((d) => d.sha256 || recorded[d.file]);
  return `no published sha256: ${rec ? 'recorded at the first download, checked since' : 'recorded at the first download'}${files ? `; ${files} of ${e.files.length} files known` : ''}`;
}

export const data = defineCommand({
  name: 'data',
  summary: 'list the public datasets, or fetch one into the data cache',
  usage: 'list | get NAME [--dir D]',
  options: {
    dir: { type: 'string', value: 'D', help: 'the data cache (default $MIREC_DATA_DIR, else $XDG_CACHE_HOME/mirec, else ~/.cache/mirec)' },
  },
  positionals: [
    { name: 'ACTION', help: 'list (every set, whether it is cached, its hashes and terms) or get' },
    { name: 'NAME', help: 'the set to get (see mirec data list)' },
  ],
  details: 'Then: mirec train --dataset NAME. Each set keeps its own terms of use (printed by list and get); read the README that comes with it.',
  engine: false,
  async run(o, [action, name]) {
    const dir = o.dir ?? defaultDataDir();
    if (action === 'list') {
      if (name !== undefined) throw new UsageError(`unexpected argument "${name}" for \`mirec data list\``);
      const w = Math.max(...DATASETS.map((d) => d.name.length)) + 2;
      process.stdout.write(`Datasets (cache: ${dir})\n\n`);
      for (const e of DATASETS) {
        const state = e.kind === 'manual' ? '' : cachedManifest(dir, e) ? ' [cached]' : '';
        process.stdout.write(`${e.name.padEnd(w)}${e.title}${state}\n`);
        process.stdout.write(`${''.padEnd(w)}source  ${e.kind === 'manual' ? e.homepage + ' (sign-in; manual download)' : e.downloads.map((d) => d.url).join(', ')}\n`);
        process.stdout.write(`${''.padEnd(w)}sha256  ${hashNote(dir, e.name)}\n`);
        process.stdout.write(`${''.padEnd(w)}terms   ${e.licence}\n\n`);
      }
      return;
    }
    if (action === 'get') {
      if (name === undefined) throw new UsageError('mirec data get NAME: which set? (see mirec data list)');
      const entry = datasetNamed(name);
      if (!entry) {
        const near = closest(name, DATASETS.map((d) => d.name));
        throw new UsageError(`no dataset "${name}"${near ? ` (did you mean ${near}?)` : ''}; see mirec data list`);
      }
      process.stderr.write(`mirec: ${entry.name}: ${entry.title}\nmirec: terms: ${entry.licence}\n`);
      const m = await getDataset(entry, { dir, mirror: process.env.MIREC_DATA_MIRROR || undefined, onProgress: progressBar(), log: (l) => process.stderr.write(`mirec: ${l}\n`) });
      process.stdout.write(`${entry.name}: ${Object.keys(m.files).length || 1} files in ${dir}/${entry.name}; train with: mirec train --dataset ${entry.name}${o.dir ? ` --data-dir ${dir}` : ''}\n`);
      return;
    }
    throw new UsageError(action === undefined ? 'mirec data: list or get NAME?' : `mirec data: unknown action "${action}" (list, get)`);
  },
});
