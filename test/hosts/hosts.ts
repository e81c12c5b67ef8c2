// Runs the probe in each host and returns its JSON: Node, Deno, Bun (child processes on the
// compiled dist/), workerd (a generated config embedding dist/ and the worker), and headless
// Chromium through playwright-core (a loopback static server). Used by runtimes.test.ts; the
// loopback server, free-port helper and browser page runner are shared with serve-hosts.ts.
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, extname } from 'node:path';
import { promisify } from 'node:util';
import { writeWorkerdConfig } from './workerd-config.js';

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

export interface ProbeResult {
  backend: string;
  checksum: string;
  loss: number;
}

const parse = (stdout: string): ProbeResult => JSON.parse(stdout.trim().split('\n').pop()!);

export interface ThreadProbe {
  threads: number;
  checksum: string;
  loss: number;
}

/** The threaded probe (thread-main.mjs) with `threads` threads in Node, Deno or Bun. */
export async function probeThreads(host: 'node' | 'deno' | 'bun', threads: number): Promise<ThreadProbe> {
  const file = join(ROOT, 'test/hosts/thread-main.mjs');
  const [cmd, args] =
    host === 'node' ? [process.execPath, [file]] : host === 'deno' ? [bin('deno'), ['run', '--allow-read', '--allow-env', file]] : [bin('bun'), [file]];
  const { stdout } = await run(cmd, [...args, String(threads)], { env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

export async function probeNode(backend?: string): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'test/hosts/main.mjs'), ...(backend ? [backend] : [])]);
  return parse(stdout);
}

export async function probeDeno(): Promise<ProbeResult> {
  const { stdout } = await run(bin('deno'), ['run', '--allow-read', '--allow-env', join(ROOT, 'test/hosts/main.mjs')], {
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  return parse(stdout);
}

export async function probeBun(): Promise<ProbeResult> {
  const { stdout } = await run(bin('bun'), [join(ROOT, 'test/hosts/main.mjs')]);
  return parse(stdout);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)],
  );
}

/** Serve `files` on a free loopback port while `fn` runs. */
async function withServer<T>(handler: (path: string) => Promise<{ body: Buffer; type: string } | null>, fn: (port: number) => Promise<T>): Promise<T> {
  const server = createServer(async (req, res) => {
    const hit = await handler(new URL(req.url ?? '/', 'http://x').pathname).catch(() => null);
    if (!hit) return void res.writeHead(404).end();
    // Cross-origin isolation (COOP + COEP), so pages get SharedArrayBuffer and threads.
    res.writeHead(200, { 'content-type': hit.type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }).end(hit.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return await fn(port);
  } finally {
    server.close();
  }
}

export async function freePort(): Promise<number> {
  return withServer(async () => null, async (p) => p);
}

/** Run a worker (test/hosts/workerd/<worker>) with its probe module in workerd; its JSON answer. */
export async function probeWorkerd<T = ProbeResult>(worker = 'worker.mjs', probe = 'step-checksum.mjs'): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-workerd-'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'test/hosts/workerd', worker), join(dir, 'worker.mjs'));
  cpSync(join(ROOT, 'test/hosts', probe), join(dir, probe));
  const modules = [join(dir, 'worker.mjs'), join(dir, probe), ...listFiles(join(dir, 'dist'))]
    .filter((f) => f.endsWith('.js') || f.endsWith('.mjs') || f.endsWith('.wasm'))
    .map((f) => relative(dir, f));
  const port = await freePort();
  writeWorkerdConfig(dir, port, modules);
  const child = spawn(bin('workerd'), ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  try {
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const text = await res.text();
        if (!res.ok) throw new Error(`workerd answered ${res.status}: ${text}`);
        return JSON.parse(text);
      } catch (e) {
        if ((e as Error).message.startsWith('workerd answered')) throw e;
        if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`workerd did not answer within 10 s: ${log}`);
  } finally {
    child.kill();
  }
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

export interface BrowserPageOptions {
  /** Extra files served outside the repository: URL path (e.g. '/model.safetensors') → file. */
  files?: Record<string, string>;
  /** Page viewport (Playwright's default 1280×720 otherwise). */
  viewport?: { width: number; height: number };
}

/** Serve the repository root and load a page in headless Chromium; `read` extracts the result. */
export async function withBrowserPage<T>(path: string, read: (page: import('playwright-core').Page) => Promise<T>, opts: BrowserPageOptions = {}): Promise<T> {
  const { chromium } = await import('playwright-core');
  return withServer(
    async (p) => {
      const extra = opts.files?.[p];
      if (extra) return { body: await readFile(extra), type: TYPES[extname(extra)] ?? 'application/octet-stream' };
      const file = join(ROOT, p);
      if (!file.startsWith(ROOT) || !existsSync(file)) return null;
      return { body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
    },
    async (port) => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      try {
        const page = await browser.newPage(opts.viewport ? { viewport: opts.viewport } : {});
        await page.goto(`http://127.0.0.1:${port}${path}`);
        return await read(page);
      } finally {
        await browser.close();
      }
    },
  );
}

export async function probeChromium<T = ProbeResult>(path = '/test/hosts/browser/index.html'): Promise<T> {
  return withBrowserPage(path, async (page) => {
    await page.waitForSelector('#result[data-done="1"]', { timeout: 60000 });
    const text = (await page.textContent('#result')) ?? '';
    if (text.startsWith('error')) throw new Error(`chromium: ${text}`);
    return JSON.parse(text);
  });
}
