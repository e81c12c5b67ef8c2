// The dataset cache: where it lives ($MIREC_DATA_DIR, else $XDG_CACHE_HOME/mirec, else
// ~/.cache/mirec), the sha256 of downloads without a published hash (recorded on first download,
// checked on every later one), and `getDataset`: download (resumable), verify, unpack into a
// temporary folder, verify the files, then move the folder into place with a manifest.
import { appendFileSync, copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DatasetEntry, Download } from './catalogue.js';
import { download, sha256File, type Progress } from './fetch.js';
import { untarGz, unzip } from './archive.js';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIREC_DATA_DIR) return env.MIREC_DATA_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mirec');
}

const MANIFEST = 'mirec-dataset.json';
const RECORDED = 'recorded-sha256.json';

export interface Manifest { name: string; title: string; files: Record<string, string>; sources: { url: string; sha256: string }[]; fetched: string }

/** The manifest of a set in the cache, or undefined when it is not (completely) there. */
export function cachedManifest(dir: string, entry: DatasetEntry): Manifest | undefined {
  const path = join(dir, entry.name, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return entry.files.every((f) => existsSync(join(dir, entry.name, f.name))) ? m : undefined;
  } catch {
    return undefined;
  }
}

export function recordedHashes(dir: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(dir, RECORDED), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The file `--dataset NAME` reads, or an error saying how to get it. */
export function eventsFile(dir: string, entry: DatasetEntry): string {
  const path = join(dir, entry.name, entry.events.file);
  if (existsSync(path) && (entry.kind === 'manual' || cachedManifest(dir, entry))) return path;
  throw new Error(`${entry.name} is not in the data cache ${dir}; run \`mirec data get ${entry.name}${dir === defaultDataDir() ? '' : ` --dir ${dir}`}\` first`);
}

export interface GetOptions {
  dir: string;
  /** Replaces each download's URL by `${mirror}/${file}` (tests, private mirrors). */
  mirror?: string;
  onProgress?: (p: Progress) => void;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

async function fetchOne(d: Download, opts: GetOptions): Promise<string> {
  const downloads = join(opts.dir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const dest = join(downloads, d.file);
  const url = opts.mirror ? `${opts.mirror.replace(/\/$/, '')}/${d.file}` : d.url;
  const recorded = recordedHashes(opts.dir);
  const want = d.sha256 ?? recorded[d.file];
  let sha: string;
  if (existsSync(dest)) sha = await sha256File(dest);
  else {
    const r = await download(url, dest, { maxBytes: d.maxBytes, onProgress: opts.onProgress, fetch: opts.fetch });
    opts.log?.(`${url}: ${r.bytes} bytes${r.resumed ? ` (resumed at ${r.resumed})` : ''}, sha256 ${r.sha256}`);
    sha = r.sha256;
  }
  if (want !== undefined && sha !== want) {
    // Keep the bytes for inspection, out of the way of the next attempt.
    renameSync(dest, dest + '.bad');
    throw new Error(`${url}: sha256 ${sha} does not match the ${d.sha256 ? 'known' : 'recorded'} ${want}; the file was moved to ${dest}.bad${d.sha256 ? '' : ` (if the upstream file really changed, remove its line from ${join(opts.dir, RECORDED)})`}`);
  }
  if (want === undefined) {
    writeFileSync(join(opts.dir, RECORDED), JSON.stringify({ ...recorded, [d.file]: sha }, null, 2) + '\n');
    opts.log?.(`${d.file}: no published sha256; recorded ${sha} for later downloads`);
  }
  return dest;
}

/** Download, verify and unpack one set into `dir/NAME`; returns its manifest. */
export async function getDataset(entry: DatasetEntry, opts: GetOptions): Promise<Manifest> {
  const final = join(opts.dir, entry.name);
  if (entry.kind === 'manual') {
    if (existsSync(join(final, entry.events.file))) return { name: entry.name, title: entry.title, files: {}, sources: [], fetched: 'by hand' };
    throw new Error(`${entry.name}: ${entry.manual} Folder: ${final}`);
  }
  const have = cachedManifest(opts.dir, entry);
  if (have) return have;
  const paths: string[] = [];
  for (const d of entry.downloads) paths.push(await fetchOne(d, opts));
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const wants = entry.files.filter((f) => f.from !== undefined).map((f) => ({ from: f.from!, name: f.name }));
    if (entry.kind === 'files') entry.files.forEach((f, i) => copyFileSync(paths[i], join(tmp, f.name)));
    else if (entry.kind === 'zip') unzip(paths[0], wants, tmp);
    else await untarGz(paths[0], wants, tmp);
    const files: Record<string, string> = {};
    for (const f of entry.files) {
      const path = join(tmp, f.name);
      if (!existsSync(path)) throw new Error(`${paths[0]}: has no member ${f.from ?? f.name}`);
      files[f.name] = await sha256File(path);
      if (f.sha256 !== undefined && files[f.name] !== f.sha256) throw new Error(`${entry.name}: ${f.name} has sha256 ${files[f.name]}, expected ${f.sha256}`);
    }
    if (entry.concat) {
      const out = join(tmp, entry.events.file);
      writeFileSync(out, '');
      for (const part of entry.concat) {
        await pipeline(createReadStream(join(tmp, part)), createWriteStream(out, { flags: 'a' }));
        // Parts may lack a final newline; keep lines apart.
        appendFileSync(out, '\n');
      }
    }
    const sources = [];
    for (let i = 0; i < paths.length; i++) sources.push({ url: entry.downloads[i].url, sha256: await sha256File(paths[i]) });
    const manifest: Manifest = { name: entry.name, title: entry.title, files, sources, fetched: new Date().toISOString() };
    writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
