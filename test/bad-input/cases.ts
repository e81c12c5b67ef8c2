// Shared by the bad-input suite: a tally of cases tried and how each ended (a clean error naming
// what was wrong, or a crash), the case budget (MIREC_BAD_INPUT=full runs the long matrix), and
// small checkpoint builders whose metadata and tensors the tests mutate.
import * as assert from 'uvu/assert';
import '../helpers/node-host.js'; // paths go through the library's file system
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../../src/io/safetensors.js';

/** `MIREC_BAD_INPUT=full` runs every case (several minutes); the default keeps CI to about a minute. */
export const FULL = process.env.MIREC_BAD_INPUT === 'full';

const tally = { tried: 0, clean: 0 };

/** Raw TypeErrors / RangeErrors from deep inside (property of undefined, x.map is not a function). */
const RAW = /Cannot read propert|is not a function|is not iterable|undefined \(reading|Invalid array length|Maximum call stack|out of memory|Array buffer allocation failed/;

/**
 * One case: `run` must throw an Error whose message matches `names` (the file, field, flag or
 * tensor concerned) and is not a raw TypeError. Counts the case either way, then asserts.
 */
export async function expectClean(label: string, run: () => unknown, names: RegExp): Promise<string> {
  tally.tried++;
  let message: string | null = null;
  try {
    await run();
  } catch (e) {
    message = e instanceof Error ? e.message : String(e);
  }
  assert.ok(message !== null, `${label}: no error`);
  assert.not.match(message!, RAW, `${label}: raw error "${message}"`);
  assert.match(message!, names, `${label}: "${message}" does not name ${names}`);
  tally.clean++;
  return message!;
}

/** Cases tried and cleanly refused so far (printed by the suite's last test). */
export function tallySoFar(): { tried: number; clean: number } {
  return { ...tally };
}

/** A checkpoint's bytes with its metadata changed by `edit` and tensors by `tensors`. */
export function mutate(bytes: Uint8Array, edit: (m: Record<string, string>) => void, tensors?: (t: Map<string, SafeTensor>) => void): Uint8Array {
  const f = decodeSafetensors(bytes, 'fixture');
  edit(f.metadata);
  tensors?.(f.tensors);
  return encodeSafetensors(f.tensors, f.metadata);
}

/** Metadata JSON field `key` changed by `edit`. */
export function editJson(m: Record<string, string>, key: string, edit: (v: Record<string, unknown>) => void): void {
  const v = JSON.parse(m[key]) as Record<string, unknown>;
  edit(v);
  m[key] = JSON.stringify(v);
}

/** A safetensors file built by hand: 8-byte length, header text, data. */
export function rawSafetensors(header: string, data = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
