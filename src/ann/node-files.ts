// Files for the streaming IVF build under Node (exported by `mirec/node`, used by `mirec index
// --stream`): a checkpoint's float32 item table read by row ranges straight from its safetensors
// file (never loaded whole), and the index written by offset into a temporary file that is
// renamed over the target only when the build succeeded.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Engine } from '../engine/engine.js';
import { MAX_HEADER_BYTES } from '../io/safetensors.js';
import { parseBoundedJson } from '../io/json-bounds.js';
import { buildIvfStream, type RowSource, type StreamBuildOptions, type StreamBuildReport } from './stream-build.js';

/** A row source over tensor `tensor` (F32 [rows, dim]) of a safetensors file; close() when done. */
export function safetensorsRowSource(path: string, tensor = 'param.item_emb'): RowSource & { close(): void } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const pre = Buffer.alloc(8);
    if (readSync(fd, pre, 0, 8, 0) !== 8) throw new Error(`${path}: shorter than the 8-byte safetensors header length`);
    const n = Number(pre.readBigUInt64LE(0));
    if (n > MAX_HEADER_BYTES || 8 + n > size) throw new Error(`${path}: safetensors header length ${n} does not fit the ${size}-byte file`);
    const text = Buffer.alloc(n);
    readSync(fd, text, 0, n, 8);
    const header = parseBoundedJson(text.toString('utf8'), { containers: 100_000, values: 1_000_000, depth: 8 }, `${path}: safetensors header`) as Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }>;
    const t = typeof header === 'object' && header !== null && Object.prototype.hasOwnProperty.call(header, tensor) ? header[tensor] : undefined;
    if (!t) throw new Error(`${path}: no tensor "${tensor}" (the item table of a retrieval checkpoint)`);
    const shape = t.shape as number[];
    const off = t.data_offsets as number[];
    if (t.dtype !== 'F32' || !Array.isArray(shape) || shape.length !== 2 || !shape.every((s) => Number.isSafeInteger(s) && s > 0)) {
      throw new Error(`${path}: tensor "${tensor}" is ${String(t.dtype)}[${String(shape)}]; expected a 2-D F32 table`);
    }
    const [rows, dim] = shape;
    if (!Array.isArray(off) || off.length !== 2 || off[1] - off[0] !== rows * dim * 4 || !Number.isSafeInteger(off[0]) || 8 + n + off[1] > size) {
      throw new Error(`${path}: tensor "${tensor}" data_offsets ${JSON.stringify(off)} do not hold F32[${rows},${dim}] inside the file`);
    }
    const base = 8 + n + off[0];
    return {
      name: `${path} (${tensor})`, rows, dim,
      read(lo, hi, out) {
        const bytes = (hi - lo) * dim * 4;
        const got = readSync(fd, new Uint8Array(out.buffer, out.byteOffset, bytes), 0, bytes, base + lo * dim * 4);
        if (got !== bytes) throw new Error(`${path}: rows ${lo}..${hi - 1} of "${tensor}": read ${got} of ${bytes} bytes`);
      },
      close: () => closeSync(fd),
    };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Stream-build an index from `src` into the file `out` (a temporary file renamed on success). */
export async function buildIvfFile(e: Engine, src: RowSource, out: string, opts: StreamBuildOptions): Promise<StreamBuildReport & { fileBytes: number }> {
  const tmp = `${out}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let ok = false;
  try {
    const report = await buildIvfStream(e, src, {
      write(offset, bytes) {
        let at = 0;
        while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at, offset + at);
      },
    }, opts);
    const fileBytes = fstatSync(fd).size;
    closeSync(fd);
    renameSync(tmp, out);
    ok = true;
    return { ...report, fileBytes };
  } finally {
    if (!ok) {
      try { closeSync(fd); } catch { /* already closed */ }
      rmSync(tmp, { force: true });
    }
  }
}
