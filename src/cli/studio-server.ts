// The static server behind `mirec studio`: serves the built studio (examples/studio) on loopback
// only, GET/HEAD only, no directory listing, no path outside the studio folder (symlinks
// resolved), with COOP/COEP so the page is cross-origin isolated (Web Workers on every core) and
// a CSP that keeps it offline. An optional checkpoint file is served at /checkpoint.safetensors.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StudioServerOptions {
  /** Folder to serve (default: the package's examples/studio). */
  root?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Loopback address (default 127.0.0.1). */
  host?: '127.0.0.1' | '::1' | 'localhost';
  /** A checkpoint file served at /checkpoint.safetensors. */
  checkpoint?: string;
}

export interface StudioServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.safetensors': 'application/octet-stream', '.md': 'text/markdown; charset=utf-8',
};

/** Headers on every answer: cross-origin isolation, no sniffing, and a CSP with no outside network. */
export const STUDIO_HEADERS: Record<string, string> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'",
};

/** The studio folder of this package (examples/studio next to dist/ or src/). */
export function studioRoot(): string {
  return fileURLToPath(new URL('../../examples/studio/', import.meta.url));
}

/** Start serving; resolves once listening. Throws if the studio has not been built. */
export async function startStudioServer(opts: StudioServerOptions = {}): Promise<StudioServer> {
  const root = await realpath(opts.root ?? studioRoot()).catch(() => {
    throw new Error(`the studio folder ${opts.root ?? studioRoot()} does not exist`);
  });
  for (const f of ['index.html', join('dist', 'page.js'), join('dist', 'worker.js')]) {
    if (!existsSync(join(root, f))) throw new Error(`the studio is not built (${join(root, f)} is missing): run npm run build`);
  }
  const checkpoint = opts.checkpoint === undefined ? undefined : resolve(opts.checkpoint);
  if (checkpoint !== undefined && !(await stat(checkpoint).catch(() => null))?.isFile()) throw new Error(`--checkpoint ${opts.checkpoint}: not a readable file`);
  const server = createServer((req, res) => {
    handle(root, checkpoint, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, STUDIO_HEADERS);
      res.end();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(new Error(e.code === 'EADDRINUSE' ? `port ${opts.port} is in use; pick another with --port` : e.message)));
    server.listen(opts.port ?? 0, host, ok);
  });
  const port = (server.address() as { port: number }).port;
  const shown = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${shown}:${port}/`, port,
    close: () => new Promise<void>((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

async function handle(root: string, checkpoint: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const fail = (code: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(code, { ...STUDIO_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...extra });
    res.end(req.method === 'HEAD' ? undefined : text + '\n');
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'only GET and HEAD', { allow: 'GET, HEAD' });
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://studio').pathname);
  } catch {
    return fail(400, 'bad URL encoding');
  }
  if (path.includes('\0')) return fail(400, 'bad path');
  let file: string;
  if (path === '/checkpoint.safetensors' && checkpoint) file = checkpoint;
  else {
    if (path.endsWith('/')) path += 'index.html';
    const wanted = resolve(root, '.' + path);
    if (wanted !== root && !wanted.startsWith(root + sep)) return fail(404, 'not found');
    const real = await realpath(wanted).catch(() => null);
    if (!real || !real.startsWith(root + sep)) return fail(404, 'not found');
    file = real;
  }
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return fail(404, 'not found');
  res.writeHead(200, { ...STUDIO_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': String(info.size) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
