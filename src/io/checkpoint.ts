// Model checkpoints as one safetensors file: parameters under `param.<name>`, optional optimizer
// state under `optim.<name>`, and JSON metadata (format tag, model kind, config, vocabulary of raw
// ids, trainer state). Loading checks kind, config and every name and shape before copying a byte
// into the model, so a wrong file leaves the model untouched. Optimizer moments kept in float16
// (`sparseState: 'f16'`) are stored as F16 with their F32 row scales and load only into an
// optimizer with the same storage (no silent conversion either way).
import type { ParamSource, ParamStore } from '../nn/params.js';
import type { Tensor } from '../tensor.js';
import { halfBytes, type StateEntry } from '../optim/half-state.js';
import { concatBytes, decodeSafetensors, fromTyped, parseSafetensorsHeader, safetensorsChunks, safetensorsHeaderLength, type SafeDType, type SafeEntry, type SafeHeader, type SafeTensor } from './safetensors.js';
import { parseBoundedJson } from './json-bounds.js';

/** Options of every checkpoint load. */
export interface LoadOptions {
  /**
   * Accept NaN / ±Infinity weights (default false: refused, naming the tensor). Only for
   * inspecting a broken file: such a model ranks nothing meaningfully.
   */
  allowNonFinite?: boolean;
}

// Metadata values (config, vocabulary, trainer state) may be long (a vocabulary of millions of
// ids) but hold few objects and arrays; the bounds keep their parse near their size.
const METADATA_BOUNDS = { containers: 200_000, values: 50_000_000, depth: 64 };

export const CHECKPOINT_FORMAT = 'mirec-checkpoint/1';

export interface CheckpointParts {
  /** Model kind, e.g. 'comirec-sa'. */
  kind: string;
  /** The model config (JSON-serialisable). */
  config: unknown;
  /** Parameters and buffers, by name. */
  params: ParamStore | Map<string, Tensor>;
  /** Optimizer state tensors (moments), by name, and its step count. */
  optimizer?: { kind: string; t: number; state: StateEntry[] };
  /** Vocabulary (raw ids), JSON. */
  vocab?: unknown;
  /** Anything else JSON the trainer wants back (rng state, step, best metric, data sha256). */
  extra?: Record<string, unknown>;
}

/** What a checkpoint's header says of a tensor. */
export interface TensorInfo {
  dtype: SafeDType;
  shape: number[];
}

/**
 * A checkpoint's envelope: metadata and its tensors' names, dtypes and shapes; `T` adds where
 * each tensor's values are (its bytes once decoded, its place in the file when only the header
 * was read).
 */
export interface CheckpointHeader<T extends TensorInfo = SafeEntry> {
  kind: string;
  config: unknown;
  vocab?: unknown;
  extra: Record<string, unknown>;
  optimizer?: { kind: string; t: number };
  /** Every tensor: `param.<name>` and `optim.<name>`. */
  tensors: Map<string, T>;
  metadata: Record<string, string>;
}

/** A checkpoint read whole: its header and every tensor's bytes. */
export type DecodedCheckpoint = CheckpointHeader<SafeTensor>;

const tensorsOf = (p: ParamStore | Map<string, Tensor>) => (p instanceof Map ? p : p.tensors);

/** Serialise a model (and optionally its optimizer and trainer state). */
export function encodeCheckpoint(parts: CheckpointParts, opts: LoadOptions = {}): Uint8Array {
  return concatBytes(checkpointChunks(parts, opts));
}

/**
 * The bytes of `encodeCheckpoint` as a header and one chunk per tensor. Float32 tensors are views
 * of the engine's memory, not copies (a 1.3M-item model's weights and Adam moments are ≈ 1 GB):
 * write the chunks before the engine runs again.
 */
export function checkpointChunks(parts: CheckpointParts, opts: LoadOptions = {}): Uint8Array[] {
  if (!opts.allowNonFinite) {
    for (const [name, t] of tensorsOf(parts.params)) {
      const d = t.data;
      for (let i = 0; i < d.length; i++) {
        if (d[i] - d[i] !== 0) throw new Error(`encodeCheckpoint: parameter ${name} holds ${d[i]} at index ${i}; refusing to save non-finite weights (the run diverged)`);
      }
    }
  }
  const entries: [string, SafeTensor][] = [];
  for (const [name, t] of tensorsOf(parts.params)) entries.push([`param.${name}`, fromTyped(asF32(t.data), [...t.shape])]);
  for (const { name, tensor, halves } of parts.optimizer?.state ?? []) {
    if (halves) entries.push([`optim.${name}`, { dtype: 'F16', shape: [...halves], bytes: halfBytes(tensor, halves) }]);
    else entries.push([`optim.${name}`, fromTyped(asF32(tensor.data), [...tensor.shape])]);
  }
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    kind: parts.kind,
    config: JSON.stringify(parts.config),
    extra: JSON.stringify(parts.extra ?? {}),
  };
  if (parts.vocab !== undefined) metadata.vocab = JSON.stringify(parts.vocab);
  if (parts.optimizer) metadata.optimizer = JSON.stringify({ kind: parts.optimizer.kind, t: parts.optimizer.t });
  return safetensorsChunks(entries, metadata);
}

/** Float32 data as is (a view); the float64 reference backend's data rounded to a float32 copy. */
const asF32 = (d: Float32Array | Float64Array): Float32Array => (d instanceof Float32Array ? d : Float32Array.from(d));

/** Parse and check the envelope of a checkpoint (not yet its fit to a model). */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): DecodedCheckpoint {
  const file = decodeSafetensors(bytes, source);
  return checkpointOf(file.tensors, file.metadata, source);
}

/** `decodeCheckpoint`'s checks on a header read alone (`readSafetensorsHeader`): no tensor is read. */
export function checkpointHeader(header: SafeHeader, source = 'checkpoint'): CheckpointHeader {
  return checkpointOf(header.entries, header.metadata, source);
}

/** The header of checkpoint `bytes` already in memory, without copying a tensor (e.g. to learn its kind). */
export function decodeCheckpointHeader(bytes: Uint8Array, source = 'checkpoint'): CheckpointHeader {
  const hlen = safetensorsHeaderLength(bytes, bytes.byteLength, source);
  return checkpointHeader(parseSafetensorsHeader(bytes.subarray(8, 8 + hlen), bytes.byteLength - 8 - hlen, source), source);
}

function checkpointOf<T extends TensorInfo>(tensors: Map<string, T>, m: Record<string, string>, source: string): CheckpointHeader<T> {
  const bad = (msg: string): never => {
    throw new Error(`checkpoint: ${source}: ${msg}`);
  };
  if (m.format !== CHECKPOINT_FORMAT) bad(`not a mirec checkpoint (format ${JSON.stringify(m.format)}, expected "${CHECKPOINT_FORMAT}")`);
  const json = (key: string): unknown => {
    if (m[key] === undefined) return undefined;
    return parseBoundedJson(m[key], METADATA_BOUNDS, `checkpoint: ${source}: metadata "${key}"`);
  };
  const object = (key: string): Record<string, unknown> | undefined => {
    const v = json(key);
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) bad(`metadata "${key}" is ${describe(v)}, expected a JSON object`);
    return v as Record<string, unknown> | undefined;
  };
  if (typeof m.kind !== 'string' || !m.kind) bad('metadata has no model kind');
  for (const [name, t] of tensors) {
    if (!name.startsWith('param.') && !name.startsWith('optim.')) bad(`unexpected tensor "${name}"`);
    if (t.dtype !== 'F32' && !(t.dtype === 'F16' && name.startsWith('optim.'))) bad(`tensor "${name}" is ${t.dtype}, expected F32${name.startsWith('optim.') ? ' (or F16 moments)' : ''}`);
  }
  const optimizer = object('optimizer') as { kind: string; t: number } | undefined;
  if (optimizer && !(typeof optimizer.kind === 'string' && Number.isSafeInteger(optimizer.t) && optimizer.t >= 0)) bad('metadata "optimizer" needs { kind: string, t: whole number ≥ 0 }');
  return { kind: m.kind, config: object('config'), vocab: json('vocab'), extra: object('extra') ?? {}, optimizer, tensors, metadata: m };
}

/** A short description of a JSON value for messages: `null`, `a string`, `an array`, `the number 3`. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return typeof v === 'object' ? 'an object' : `${typeof v === 'undefined' ? 'missing' : `a ${typeof v}`}`;
}

/**
 * A ParamSource (see `withParamSource`) over a checkpoint's `param.<prefix><name>` tensors: a
 * model built under it gets the file's values, and the first parameter the file lacks or holds
 * in another shape stops the build with the tensor's name — before the config's sizes are
 * allocated.
 */
export function paramSourceOf(ckpt: DecodedCheckpoint, source: string, prefix = ''): ParamSource {
  return (name, shape) => {
    const key = `param.${prefix}${name}`;
    const f = ckpt.tensors.get(key);
    if (!f) throw new Error(`checkpoint: ${source} does not fit its config (${ckpt.kind}): the config needs tensor ${key} [${shape.join(',')}], the file has none`);
    if (f.shape.length !== shape.length || f.shape.some((s, i) => s !== shape[i])) {
      throw new Error(`checkpoint: ${source} does not fit its config (${ckpt.kind}): the config needs ${key} as [${shape.join(',')}], the file holds [${f.shape.join(',')}]`);
    }
    return new Float32Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength / 4);
  };
}

/** Throw naming the first tensor (and index) holding NaN or ±Infinity, unless allowed. */
export function checkFinite(ckpt: DecodedCheckpoint, source: string, opts: LoadOptions = {}): void {
  if (opts.allowNonFinite) return;
  for (const [name, t] of ckpt.tensors) checkFiniteBytes(name, t, t.bytes, 0, source);
}

/**
 * Throw naming the tensor and index when `bytes`, values `first`, `first + 1`, … of tensor `name`,
 * hold NaN or ±Infinity (a resume streaming a file checks each chunk as it lands).
 */
export function checkFiniteBytes(name: string, t: TensorInfo, bytes: Uint8Array, first: number, source: string): void {
  if (t.dtype === 'F16') {
    const h = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    for (let i = 0; i < h.length; i++) {
      if ((h[i] & 0x7c00) === 0x7c00) throw new Error(`checkpoint: ${source}: tensor ${name} holds a non-finite float16 at index ${first + i} (shape [${t.shape.join(',')}]); the run that wrote it diverged`);
    }
    return;
  }
  const v = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (let i = 0; i < v.length; i++) {
    if (v[i] - v[i] !== 0) {
      throw new Error(`checkpoint: ${source}: tensor ${name} holds ${v[i]} at index ${first + i} (shape [${t.shape.join(',')}]); the run that wrote it diverged. Pass allowNonFinite: true to load it for inspection only`);
    }
  }
}

/**
 * Throw naming the first `param.*` tensor that is missing, of another shape or not in the model
 * (up to five problems): the check `loadParams` makes before writing anything.
 */
export function checkParamsFit(ckpt: CheckpointHeader<TensorInfo>, params: ParamStore | Map<string, Tensor>, source = 'checkpoint'): void {
  const target = tensorsOf(params);
  const problems: string[] = [];
  for (const [name, t] of target) {
    const f = ckpt.tensors.get(`param.${name}`);
    if (!f) problems.push(`missing tensor param.${name}`);
    else if (f.shape.length !== t.shape.length || f.shape.some((s, i) => s !== t.shape[i])) {
      problems.push(`param.${name} is [${f.shape.join(',')}] in the file, the model expects [${t.shape.join(',')}]`);
    }
  }
  for (const name of ckpt.tensors.keys()) {
    if (name.startsWith('param.') && !target.has(name.slice(6))) problems.push(`unexpected tensor ${name} (not in this model)`);
  }
  if (problems.length) throw new Error(`checkpoint: ${source} does not fit ${ckpt.kind}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; … ${problems.length - 5} more` : ''}`);
}

/**
 * Copy `param.*` tensors into `params`. Every model tensor must be present with the same shape
 * and the file may hold no extra ones; nothing is written unless everything matches.
 */
export function loadParams(ckpt: DecodedCheckpoint, params: ParamStore | Map<string, Tensor>, source = 'checkpoint'): void {
  checkParamsFit(ckpt, params, source);
  for (const [name, t] of tensorsOf(params)) {
    const f = ckpt.tensors.get(`param.${name}`)!;
    t.data.set(new Float32Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength / 4));
  }
}

/**
 * Throw naming the first `optim.*` tensor that is missing or whose storage (F16 or F32) or shape
 * differs from the optimizer's: the checks `loadOptimizerState` makes before reading values.
 */
export function checkOptimizerFit(ckpt: CheckpointHeader<TensorInfo>, state: StateEntry[], source = 'checkpoint'): void {
  const fail = (msg: string): never => {
    throw new Error(`checkpoint: ${source}: ${msg}`);
  };
  for (const { name, tensor, halves } of state) {
    const key = `optim.${name}`;
    const f = ckpt.tensors.get(key);
    if (!f) return fail(`missing optimizer tensor ${key}`);
    if (halves) {
      if (f.dtype !== 'F16') fail(`${key} holds ${f.dtype} moments but this optimizer keeps float16 state (optimizerState 'f16'); resume with optimizerState 'f32' (--optimizer-state f32), the storage the checkpoint was written with`);
      if (f.shape.length !== halves.length || f.shape.some((s, i) => s !== halves[i])) fail(`${key} is [${f.shape.join(',')}], expected [${halves.join(',')}]`);
    } else {
      if (f.dtype === 'F16') fail(`${key} holds float16 moments (written with optimizerState 'f16') but this optimizer keeps float32 state; resume with optimizerState 'f16' (--optimizer-state f16)`);
      const n = f.shape.reduce((a, b) => a * b, 1);
      if (n !== tensor.size) fail(`${key} has ${n} values, expected ${tensor.size}`);
    }
  }
}

/** Throw unless every f32 in `bytes` (values `first`, … of tensor `key`) is a positive power of two: f16 state's row scales. */
export function checkRowScales(key: string, bytes: Uint8Array, first: number, source: string): void {
  const u = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  for (let i = 0; i < u.length; i++) {
    const e = u[i] >>> 23;
    if ((u[i] & 0x7fffff) !== 0 || e < 1 || e > 254) {
      throw new Error(`checkpoint: ${source}: ${key} holds ${new Float32Array(u.buffer, u.byteOffset + 4 * i, 1)[0]} at index ${first + i}; row scales are positive powers of two`);
    }
  }
}

/**
 * Copy `optim.*` tensors into an optimizer's state list (names, shapes and storage must match):
 * float16 moments load only into an optimizer keeping float16 state and float32 ones only into
 * float32 state; the error names the tensor. Row scales must be powers of two. Nothing is
 * written unless every tensor fits.
 */
export function loadOptimizerState(ckpt: DecodedCheckpoint, state: StateEntry[], source = 'checkpoint'): void {
  checkOptimizerFit(ckpt, state, source);
  for (const { name, rowScales } of state) if (rowScales) checkRowScales(`optim.${name}`, ckpt.tensors.get(`optim.${name}`)!.bytes, 0, source);
  for (const { name, tensor, halves } of state) {
    const f = ckpt.tensors.get(`optim.${name}`)!;
    if (halves) halfBytes(tensor, halves).set(f.bytes);
    else tensor.data.set(new Float32Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength / 4));
  }
}
