// Test helpers for `mirec data`: a zip and a tar.gz writer for fixture archives, and an HTTP
// server on 127.0.0.1 serving named files with Range support, a request log, and an optional
// cut (the first response of a file stops after N bytes) to exercise resumed downloads.
import { createServer, type Server } from 'node:http';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

export function zipOf(files: Record<string, string | Uint8Array>): Buffer {
  const locals: Buffer[] = [], centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content), packed = deflateRawSync(data), nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals), end = Buffer.alloc(22);
  const n = Object.keys(files).length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(n, 8); end.writeUInt16LE(n, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export function tarGzOf(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content), h = Buffer.alloc(512);
    h.write(name, 0, 100, 'latin1');
    h.write('0000644\0', 100); h.write('0000000\0', 108); h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124); h.write('00000000000\0', 136);
    h.write('        ', 148); h.write('0', 156); h.write('ustar\0', 257); h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export interface FixtureServer {
  url: string;
  files: Map<string, Buffer>;
  /** Requests seen: file name and Range header. */
  log: { file: string; range?: string }[];
  /** Files whose next response stops after this many bytes. */
  cut: Map<string, number>;
  close(): Promise<void>;
}

export async function serveFixtures(files: Record<string, Buffer>): Promise<FixtureServer> {
  const state = { files: new Map(Object.entries(files)), log: [] as FixtureServer['log'], cut: new Map<string, number>() };
  const server: Server = createServer((req, res) => {
    const file = decodeURIComponent((req.url ?? '/').slice(1));
    const range = req.headers.range;
    state.log.push({ file, range });
    const body = state.files.get(file);
    if (!body) { res.writeHead(404).end('not found'); return; }
    let start = 0;
    const m = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) { res.writeHead(416).end(); return; }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else res.writeHead(200, { 'content-length': body.length });
    const cut = state.cut.get(file);
    if (cut !== undefined) {
      state.cut.delete(file);
      res.write(body.subarray(start, start + cut), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, ...state, close: () => new Promise((r) => server.close(() => r())) };
}
