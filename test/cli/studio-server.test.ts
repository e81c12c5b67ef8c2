// The `mirec studio` server: serves the built studio on loopback with cross-origin isolation and
// an offline CSP, refuses paths outside the studio folder (dot segments, encoded dots,
// symlinks), methods other than GET/HEAD, and missing files; serves --checkpoint at a fixed
// path; and `mirec studio` prints its address and stops cleanly on SIGTERM.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStudioServer, studioRoot } from '../../src/cli/studio-server.js';

const ROOT = join(import.meta.dirname, '..', '..');

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  const err = await p.then(() => null, (e: Error) => e);
  assert.ok(err, `expected a rejection matching ${re}`);
  assert.match(err!.message, re);
}

/** A raw request (no URL normalisation, unlike fetch). */
function raw(port: number, method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('serves the studio with COOP/COEP, types and a CSP; refuses what it must', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirec-studio-'));
  const site = join(dir, 'site');
  mkdirSync(join(site, 'dist'), { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(site, 'dist', 'page.js'), 'export {};');
  writeFileSync(join(site, 'dist', 'worker.js'), 'export {};');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  symlinkSync(join(dir, 'secret.txt'), join(site, 'link.txt'));
  const ck = join(dir, 'model.safetensors');
  writeFileSync(ck, 'bytes');
  const server = await startStudioServer({ root: site, port: 0, checkpoint: ck });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const home = await raw(server.port, 'GET', '/');
    assert.is(home.status, 200);
    assert.is(home.headers['content-type'], 'text/html; charset=utf-8');
    assert.is(home.headers['cross-origin-opener-policy'], 'same-origin');
    assert.is(home.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.match(String(home.headers['content-security-policy']), /default-src 'self'/);
    assert.match(home.body, /<title>t<\/title>/);
    assert.is((await raw(server.port, 'GET', '/dist/worker.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    const head = await raw(server.port, 'HEAD', '/dist/page.js');
    assert.equal([head.status, head.body, head.headers['content-length']], [200, '', '10']);
    assert.is((await raw(server.port, 'GET', '/checkpoint.safetensors')).body, 'bytes');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/dist/..%2f..%2fsecret.txt', '/link.txt', '/missing.js', '/dist/', '/%00']) {
      const r = await raw(server.port, 'GET', p);
      assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
      assert.not.match(r.body, /secret/);
    }
    assert.is((await raw(server.port, 'GET', '/%E0%A4%A')).status, 400);
    const post = await raw(server.port, 'POST', '/');
    assert.equal([post.status, post.headers.allow], [405, 'GET, HEAD']);
  } finally {
    await server.close();
  }
  await rejects(startStudioServer({ root: join(dir, 'nowhere') }), /does not exist/);
  await rejects(startStudioServer({ root: dir }), /the studio is not built .*index\.html is missing\): run npm run build/);
  await rejects(startStudioServer({ root: site, checkpoint: join(dir, 'none.safetensors') }), /--checkpoint .*none\.safetensors: not a readable file/);
});

test('mirec studio prints its address, serves the built page, stops on SIGTERM', async () => {
  assert.ok(studioRoot().endsWith(join('examples', 'studio') + '/') || studioRoot().endsWith(join('examples', 'studio')));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'studio', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = /mirec studio: (http:\S+)/.exec(out); if (m) ok(m[1]); });
    child.on('exit', (code) => fail(new Error(`exited ${code} before printing an address`)));
  });
  const res = await fetch(url);
  assert.is(res.status, 200);
  assert.match(await res.text(), /mirec studio/);
  const code = await new Promise<number | null>((ok) => { child.on('exit', (c) => ok(c)); child.kill('SIGTERM'); });
  assert.is(code, 0);
  const bad = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'studio', '--port', '70000'], { cwd: ROOT });
  let err = '';
  bad.stderr.on('data', (d) => (err += d));
  assert.is(await new Promise((ok) => bad.on('exit', ok)), 2);
  assert.match(err, /--port 70000: expected 0\.\.65535/);
});

test.run();
