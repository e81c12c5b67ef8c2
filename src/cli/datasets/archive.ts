// Unpacking downloaded archives into a dataset folder: zip (stored or deflate members, from the
// central directory; no zip64) and gzip'd tar (streamed, 512-byte ustar headers). Only the wanted
// members are written, under their plain file names, with their sizes bounded: a malformed or
// hostile archive fails with an error naming the archive and the member.
import { createReadStream, createWriteStream, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { createGunzip, inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { once } from 'node:events';

/** A wanted member: the path ending that selects it and the file name it is written as. */
export interface Want { from: string; name: string }

const matches = (path: string, from: string) => path === from || path.endsWith('/' + from);

/** Largest member we write (an archive claiming more is refused rather than filling a disk). */
const MAX_MEMBER = 4 * 2 ** 30;

export function unzip(archive: string, wants: readonly Want[], dir: string): string[] {
  const buf = readFileSync(archive);
  const fail = (why: string): never => { throw new Error(`${archive}: not a readable zip archive (${why})`); };
  // End of central directory: the last signature 0x06054b50 within the final 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) fail('no end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10), cdSize = buf.readUInt32LE(eocd + 12), cdStart = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdStart === 0xffffffff) fail('zip64 archives are not supported');
  if (cdStart + cdSize > eocd) fail('central directory outside the file');
  const written: string[] = [];
  let p = cdStart;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) fail(`central directory entry ${n} is damaged`);
    const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20), usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const path = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const want = wants.find((w) => matches(path, w.from));
    if (!want) continue;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) fail(`member ${path}: bad local header`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + csize > buf.length) fail(`member ${path}: data runs past the end`);
    if (usize > MAX_MEMBER) fail(`member ${path}: ${usize} bytes is more than this tool unpacks`);
    const data = buf.subarray(start, start + csize);
    let out: Buffer;
    if (method === 0) out = data;
    else if (method === 8) {
      try {
        out = inflateRawSync(data, { maxOutputLength: Math.max(usize, 1) });
      } catch (e) {
        return fail(`member ${path}: ${(e as Error).message}`);
      }
    } else return fail(`member ${path}: compression method ${method} is not supported`);
    if (out.length !== usize) fail(`member ${path}: ${out.length} bytes unpacked, the directory says ${usize}`);
    writeFileSync(join(dir, want.name), out);
    written.push(want.name);
  }
  return written;
}

/** Stream a .tar.gz, writing the wanted regular-file members. */
export async function untarGz(archive: string, wants: readonly Want[], dir: string): Promise<string[]> {
  const written: string[] = [];
  const gunzip = createReadStream(archive).pipe(createGunzip());
  let pending: Buffer = Buffer.alloc(0);
  let left = 0; // bytes of the current member still to come
  let pad = 0; // padding after it to the next 512-byte block
  let out: WriteStream | null = null;
  const fail = (why: string): never => { throw new Error(`${archive}: not a readable tar.gz archive (${why})`); };
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (left > 0) {
          const take = Math.min(left, pending.length);
          if (take === 0) break;
          if (out && !out.write(pending.subarray(0, take))) await once(out, 'drain');
          pending = pending.subarray(take);
          left -= take;
          if (left === 0 && out) { out.end(); await once(out, 'finish'); out = null; }
          continue;
        }
        if (pad > 0) {
          const take = Math.min(pad, pending.length);
          if (take === 0) break;
          pending = pending.subarray(take);
          pad -= take;
          continue;
        }
        if (pending.length < 512) break;
        const header = pending.subarray(0, 512);
        pending = pending.subarray(512);
        if (header.every((b) => b === 0)) continue; // end-of-archive blocks
        const field = (o: number, n: number) => header.toString('latin1', o, o + n).replace(/\0.*$/s, '');
        const sizeText = field(124, 12).trim();
        if (!/^[0-7]+$/.test(sizeText)) fail(`bad size field "${sizeText}"`);
        const size = parseInt(sizeText, 8);
        if (size > MAX_MEMBER) fail(`member of ${size} bytes is more than this tool unpacks`);
        const prefix = field(345, 155), name = field(0, 100);
        const path = prefix ? `${prefix}/${name}` : name;
        const type = String.fromCharCode(header[156] || 48);
        const want = type === '0' ? wants.find((w) => matches(path, w.from)) : undefined;
        if (want) {
          out = createWriteStream(join(dir, want.name));
          written.push(want.name);
          if (size === 0) { out.end(); await once(out, 'finish'); out = null; }
        }
        left = size;
        pad = (512 - (size % 512)) % 512;
      }
    }
  } catch (e) {
    out?.destroy();
    if ((e as Error).message.startsWith(archive)) throw e;
    throw new Error(`${archive}: not a readable tar.gz archive (${(e as Error).message})`);
  }
  if (left > 0) fail('the archive ends inside a member');
  return written;
}
