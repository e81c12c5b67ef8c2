// Helpers of the partitioned and sharded Worker tests: an index file (bytes, or a path read by
// range, for files larger than memory) served over HTTP with Range support on 127.0.0.1
// (counting requests and bytes), and workerd started on a generated config,
// resolved once it answers. Needs the compiled dist/ (npm test builds it first).
import { spawn } from 'node:child_process';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, freePort } from './hosts.js';

export interface RangeServer {
  url: (file: string) => string;
  requests: { full: number; ranges: number; bytes: number };
  close(): Promise<void>;
}

/** Serve `files` (name → bytes, or name → path of a file read per request) with Range support. */
export async function rangeServer(files: Map<string, Uint8Array | string>): Promise<RangeServer> {
  const requests = { full: 0, ranges: 0, bytes: 0 };
  const sizeOf = (f: Uint8Array | string) => (typeof f === 'string' ? fstatSync(fds.get(f)!).size : f.length);
  const fds = new Map<string, number>();
  for (const f of files.values()) if (typeof f === 'string') fds.set(f, openSync(f, 'r'));
  const slice = (f: Uint8Array | string, a: number, b: number): Uint8Array => {
    if (typeof f !== 'string') return f.subarray(a, b);
    const out = new Uint8Array(b - a);
    readSync(fds.get(f)!, out, 0, b - a, a);
    return out;
  };
  const server: HttpServer = createServer((req, res) => {
    const body = files.get((req.url ?? '').slice(1));
    if (body === undefined) { res.writeHead(404); res.end(); return; }
    const size = sizeOf(body);
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m) { requests.full++; requests.bytes += size; res.writeHead(200); res.end(slice(body, 0, size)); return; }
    const a = Number(m[1]), b = Math.min(Number(m[2]), size - 1);
    if (a > b) { res.writeHead(416); res.end(); return; }
    requests.ranges++;
    requests.bytes += b - a + 1;
    res.writeHead(206, { 'content-range': `bytes ${a}-${b}/${size}`, 'content-length': String(b - a + 1) });
    res.end(slice(body, a, b + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((r) => server.close(() => { for (const fd of fds.values()) closeSync(fd); r(); }));
  return { url: (f) => `http://127.0.0.1:${port}/${f}`, requests, close };
}

export interface Workerd {
  url: string;
  pid: number;
  /** Resident memory of the workerd process (bytes, from /proc; 0 where unavailable). */
  rss(): number;
  /** Peak resident memory of the workerd process so far (VmHWM, bytes; 0 where unavailable). */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Write `config(port)` to dir/NAME.capnp and serve it with workerd; waits until GET `ready` answers. */
export async function startWorkerdConfig(dir: string, name: string, config: (port: number) => string, ready = '/stats'): Promise<Workerd> {
  const port = await freePort();
  const file = join(dir, `${name}.capnp`);
  writeFileSync(file, config(port));
  const child = spawn(join(ROOT, 'node_modules', '.bin', 'workerd'), ['serve', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  child.stdout!.on('data', (d) => (log += d));
  let stopping = false;
  // A workerd that dies mid-test leaves only "fetch failed" in the test: print why.
  child.once('exit', (code, sig) => { if (!stopping) console.error(`workerd (${name}) exited ${code ?? sig}: ${log.slice(-4000)}`); });
  const stop = () => new Promise<void>((r) => { stopping = true; if (child.exitCode !== null) return r(); child.once('exit', () => r()); child.kill(); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${log}`);
    try {
      await fetch(url + ready);
      const status = (field: string) => { try { return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024; } catch { return 0; } };
      return { url, pid: child.pid!, rss: () => status('VmRSS'), peakRss: () => status('VmHWM'), stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`workerd did not answer within 30 s: ${log}`);
}
