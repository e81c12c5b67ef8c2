// Helpers of the serving test (serving.test.ts): train a small checkpoint with the real CLI on a
// synthetic dataset written to a temp file, lay out a project that imports `mirec` by name (its
// node_modules/mirec is this repository) with a copy of examples/, start the example servers
// (workerd with the bundled Worker, Deno, Bun, Node) as child processes on free loopback ports,
// and decode Chromium's PNG screenshots for pixel assertions.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { ROOT, freePort } from './hosts.js';
import { bundleWorker, startWorkerdConfig } from './worker-example.js';

const run = promisify(execFile);
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

export interface TrainedModel {
  /** The checkpoint written by `mirec train --out`. */
  checkpoint: string;
  /** Each synthetic user's item sequence (raw ids, oldest first). */
  sequences: Map<string, string[]>;
  /** The CLI's stderr (progress and the checkpoint line). */
  log: string;
}

/**
 * Write the `tiny` synthetic preset as a ComiRec file (`user,item,position`; raw ids prefixed
 * `u`/`m` so they cannot be mistaken for vocabulary indices) and train ComiRec-SA on it with
 * `node dist/cli/bin.js train` (small config, `--maxSteps`), checkpoint to `dir/model.safetensors`.
 */
export async function trainSmallModel(dir: string): Promise<TrainedModel> {
  const { generateSynthetic } = await import('../../dist/node.js');
  const d = generateSynthetic('tiny', { seed: 7 });
  const e = d.events, lines: string[] = [], sequences = new Map<string, string[]>();
  for (let i = 0; i < e.length; i++) {
    const user = `u${e.userIds[e.user[i]]}`, item = `m${e.itemIds[e.item[i]]}`;
    lines.push(`${user},${item},${e.time[i]}`);
    if (!sequences.has(user)) sequences.set(user, []);
    sequences.get(user)!.push(item);
  }
  const data = join(dir, 'events.csv');
  writeFileSync(data, lines.join('\n') + '\n');
  const checkpoint = join(dir, 'model.safetensors');
  const { stderr } = await run(process.execPath, [
    join(ROOT, 'dist/cli/bin.js'), 'train', '--data', data, '--format', 'comirec', '--model', 'comirec-sa',
    '--dim', '16', '--interests', '2', '--seqLen', '10', '--batch', '32', '--maxSteps', '80', '--seed', '1',
    '--out', checkpoint,
  ]);
  return { checkpoint, sequences, log: stderr };
}

export interface Server {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    });
}

/** Spawn a server that prints `serving on http://HOST:PORT` on stdout; resolve once it does. */
function spawnPrinting(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Server> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stop = stopper(child);
  let out = '', log = '';
  return new Promise<Server>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${args[0]}: no "serving on" line within 20 s; stdout ${out} stderr ${log}`));
    }, 20000);
    child.stderr!.on('data', (d) => (log += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited ${code} before listening: ${log}`));
    });
  });
}

/**
 * A consumer project in `dir`: package.json, node_modules/mirec → this repository (so `mirec`
 * resolves by name, through its exports and conditions, as after `npm install mirec`) and a
 * copy of examples/. Returns the project folder.
 */
export function exampleProject(dir: string): string {
  const project = join(dir, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  symlinkSync(ROOT, join(project, 'node_modules', 'mirec'), 'dir');
  cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true });
  return project;
}

/** examples/deno/server.mjs on a free port (argument 0). */
export function startDeno(checkpoint: string, project: string): Promise<Server> {
  return spawnPrinting(bin('deno'), ['run', '--allow-read', '--allow-net', '--allow-env', join(project, 'examples/deno/server.mjs'), checkpoint, '0'], {
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
  });
}

/** examples/bun/server.mjs on a free port (argument 0). */
export function startBun(checkpoint: string, project: string): Promise<Server> {
  return spawnPrinting(bin('bun'), [join(project, 'examples/bun/server.mjs'), checkpoint, '0']);
}

/** examples/node/server.mjs on a free port (argument 0). */
export function startNode(checkpoint: string, project: string): Promise<Server> {
  return spawnPrinting(process.execPath, [join(project, 'examples/node/server.mjs'), checkpoint, '0']);
}

/** examples/worker bundled as wrangler would (worker-example.ts), in workerd on a free port. */
export async function startWorkerd(checkpoint: string, project: string, dir: string): Promise<Server & { bytes: number }> {
  const port = await freePort();
  const out = join(dir, 'worker-out');
  mkdirSync(out, { recursive: true });
  const { bytes } = await bundleWorker(join(project, 'examples/worker'), checkpoint, out, port);
  return { ...(await startWorkerdConfig(bin('workerd'), join(out, 'config.capnp'), port)), bytes };
}

/** GET a path and parse the JSON body. */
export async function getJson(url: string): Promise<{ status: number; type: string; body: any }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url}: ${res.status} with a non-JSON body: ${text.slice(0, 500)}`);
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
}

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  rgba: Uint8Array;
}

/** Decode an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's screenshots are). */
export function decodePng(png: Uint8Array): Image {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8, width = 0, height = 0, colorType = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), type = buf.toString('latin1', pos + 4, pos + 8), data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8], interlace = data[12];
      colorType = data[9];
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
        throw new Error(`PNG: unsupported depth ${depth} / colour type ${colorType} / interlace ${interlace}`);
      }
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = colorType === 6 ? 4 : 3, stride = width * bpp;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, row = y * stride, prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[row + x - bpp] : 0, b = y > 0 ? px[prev + x] : 0, c = x >= bpp && y > 0 ? px[prev + x - bpp] : 0;
      let v = raw[src + x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`PNG: bad filter ${filter} on row ${y}`);
      px[row + x] = v & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = px[i * bpp];
    rgba[i * 4 + 1] = px[i * bpp + 1];
    rgba[i * 4 + 2] = px[i * bpp + 2];
    rgba[i * 4 + 3] = bpp === 4 ? px[i * bpp + 3] : 255;
  }
  return { width, height, rgba };
}

/**
 * Runs of consecutive pixel rows holding "ink" (luminance < 128) inside a box: one run per
 * rendered line of text, so a list of n one-line items shows n runs.
 */
export function inkRows(img: Image, box: { x: number; y: number; width: number; height: number }): { lines: number; inkPixels: number } {
  const x0 = Math.max(0, Math.floor(box.x)), x1 = Math.min(img.width, Math.ceil(box.x + box.width));
  const y0 = Math.max(0, Math.floor(box.y)), y1 = Math.min(img.height, Math.ceil(box.y + box.height));
  let lines = 0, inkPixels = 0, inRun = false;
  for (let y = y0; y < y1; y++) {
    let ink = 0;
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 4;
      if (0.299 * img.rgba[i] + 0.587 * img.rgba[i + 1] + 0.114 * img.rgba[i + 2] < 128) ink++;
    }
    inkPixels += ink;
    if (ink && !inRun) lines++;
    inRun = ink > 0;
  }
  return { lines, inkPixels };
}
