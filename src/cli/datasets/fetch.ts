// One HTTP(S) download into a file: resumed from a `.part` file with an HTTP Range request,
// bounded in size, stopped when the server goes quiet, hashed (sha256) as it streams, with a
// progress callback. Redirects are followed (GitHub raw, cloud drives); errors name the URL.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { once } from 'node:events';

export interface Progress { url: string; file: string; received: number; total?: number; done: boolean }

export interface DownloadOptions {
  /** Refuse more bytes than this. */
  maxBytes: number;
  /** Abort when no byte arrives for this long (default 60 s). */
  idleMs?: number;
  onProgress?: (p: Progress) => void;
  fetch?: typeof fetch;
}

async function hashFile(path: string, h = createHash('sha256')): Promise<ReturnType<typeof createHash>> {
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h;
}

/** sha256 (hex) of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  return (await hashFile(path)).digest('hex');
}

/**
 * Download `url` to `dest` (via `dest.part`, renamed when complete) and return its sha256. An
 * existing `.part` is continued with `Range: bytes=N-` when the server answers 206, restarted
 * when it answers 200.
 */
export async function download(url: string, dest: string, opts: DownloadOptions): Promise<{ sha256: string; bytes: number; resumed: number }> {
  const part = dest + '.part';
  const have = existsSync(part) ? statSync(part).size : 0;
  const ctrl = new AbortController();
  const idleMs = opts.idleMs ?? 60_000;
  let timer = setTimeout(() => ctrl.abort(), idleMs);
  const poke = () => { clearTimeout(timer); timer = setTimeout(() => ctrl.abort(), idleMs); };
  try {
    let res: Response;
    try {
      res = await (opts.fetch ?? fetch)(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, redirect: 'follow', signal: ctrl.signal });
    } catch (e) {
      throw new Error(`${url}: ${ctrl.signal.aborted ? `no answer for ${idleMs / 1000} s` : ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`);
    }
    if (res.status === 416 && have > 0) {
      // The part file is not a prefix the server recognises: start over.
      await res.body?.cancel();
      unlinkSync(part);
      clearTimeout(timer);
      return download(url, dest, opts);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
    }
    const resumed = res.status === 206 ? have : 0;
    if (res.status === 206) {
      const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== have) throw new Error(`${url}: the server resumed at the wrong offset (${res.headers.get('content-range')})`);
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? resumed + length : undefined;
    if (total !== undefined && total > opts.maxBytes) {
      await res.body?.cancel();
      throw new Error(`${url}: ${total} bytes is more than the ${opts.maxBytes} expected for this file; refusing`);
    }
    const h = resumed > 0 ? await hashFile(part) : createHash('sha256');
    const out = createWriteStream(part, { flags: resumed > 0 ? 'a' : 'w' });
    let received = resumed;
    opts.onProgress?.({ url, file: dest, received, total, done: false });
    try {
      if (!res.body) throw new Error(`${url}: empty response`);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        poke();
        received += chunk.length;
        if (received > opts.maxBytes) throw new Error(`${url}: more than the ${opts.maxBytes} bytes expected for this file; stopped`);
        h.update(chunk);
        if (!out.write(chunk)) await once(out, 'drain');
        opts.onProgress?.({ url, file: dest, received, total, done: false });
      }
    } catch (e) {
      if (ctrl.signal.aborted) throw new Error(`${url}: no data for ${idleMs / 1000} s (run the command again to resume)`);
      if ((e as Error).message.startsWith(url)) throw e;
      const why = ((e as Error).cause as Error | undefined)?.message ?? (e as Error).message;
      throw new Error(`${url}: connection closed after ${received} bytes (${why}); run the command again to resume`);
    } finally {
      out.end();
      await once(out, 'close');
    }
    if (total !== undefined && received !== total) throw new Error(`${url}: connection closed after ${received} of ${total} bytes (run the command again to resume)`);
    renameSync(part, dest);
    opts.onProgress?.({ url, file: dest, received, total, done: true });
    return { sha256: h.digest('hex'), bytes: received, resumed };
  } finally {
    clearTimeout(timer);
  }
}
