// Model checkpoints as one safetensors file: parameters under `param.<name>`, optional optimizer
// state under `optim.<name>`, and JSON metadata (format tag, model kind, config, vocabulary of raw
// ids, trainer state). Loading checks kind, config and every name and shape before copying a byte
// into the model, so a wrong file leaves the model untouched.
import type { ParamSource, ParamStore } from '../nn/params.js';
import type { Tensor } from '../tensor.js';
import { decodeSafetensors, encodeSafetensors, fromTyped, type SafeTensor } from './safetensors.js';
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
  optimizer?: { kind: string; t: number; state: { name: string; tensor: Tensor }[] };
  /** Vocabulary (raw ids), JSON. */
  vocab?: unknown;
  /** Anything else JSON the trainer wants back (rng state, step, best metric, data sha256). */
  extra?: Record<string, unknown>;
}

export interface DecodedCheckpoint {
  kind: string;
  config: unknown;
  vocab?: unknown;
  extra: Record<string, unknown>;
  optimizer?: { kind: string; t: number };
  /** Every tensor: `param.<name>` and `optim.<name>`. */
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

const tensorsOf = (p: ParamStore | Map<string, Tensor>) => (p instanceof Map ? p : p.tensors);

/** Serialise a model (and optionally its optimizer and trainer state). */
export function encodeCheckpoint(parts: CheckpointParts, opts: LoadOptions = {}): Uint8Array {
  if (!opts.allowNonFinite) {
    for (const [name, t] of tensorsOf(parts.params)) {
      const d = t.data;
      for (let i = 0; i < d.length; i++) {
        if (d[i] - d[i] !== 0) throw new Error(`encodeCheckpoint: parameter ${name} holds ${d[i]} at index ${i}; refusing to save non-finite weights (the run diverged)`);
      }
    }
  }
  const entries: [string, SafeTensor][] = [];
  for (const [name, t] of tensorsOf(parts.params)) entries.push([`param.${name}`, fromTyped(Float32Array.from(t.data), [...t.shape])]);
  for (const { name, tensor } of parts.optimizer?.state ?? []) entries.push([`optim.${name}`, fromTyped(Float32Array.from(tensor.data), [...tensor.shape])]);
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    kind: parts.kind,
    config: JSON.stringify(parts.config),
    extra: JSON.stringify(parts.extra ?? {}),
  };
  if (parts.vocab !== undefined) metadata.vocab = JSON.stringify(parts.vocab);
  if (parts.optimizer) metadata.optimizer = JSON.stringify({ kind: parts.optimizer.kind, t: parts.optimizer.t });
  return encodeSafetensors(entries, metadata);
}

/** Parse and check the envelope of a checkpoint (not yet its fit to a model). */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): DecodedCheckpoint {
  const file = decodeSafetensors(bytes, source);
  const m = file.metadata;
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
  for (const [name, t] of file.tensors) {
    if (!name.startsWith('param.') && !name.startsWith('optim.')) bad(`unexpected tensor "${name}"`);
    if (t.dtype !== 'F32') bad(`tensor "${name}" is ${t.dtype}, expected F32`);
  }
  const optimizer = object('optimizer') as { kind: string; t: number } | undefined;
  if (optimizer && !(typeof optimizer.kind === 'string' && Number.isSafeInteger(optimizer.t) && optimizer.t >= 0)) bad('metadata "optimizer" needs { kind: string, t: whole number ≥ 0 }');
  return {
    kind: m.kind,
    config: object('config'),
    vocab: json('vocab'),
    extra: object('extra') ?? {},
    optimizer,
    tensors: file.tensors,
    metadata: m,
  };
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
  for (const [name, t] of ckpt.tensors) {
    const v = new Float32Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength / 4);
    for (let i = 0; i < v.length; i++) {
      if (v[i] - v[i] !== 0) {
        throw new Error(`checkpoint: ${source}: tensor ${name} holds ${v[i]} at index ${i} (shape [${t.shape.join(',')}]); the run that wrote it diverged. Pass allowNonFinite: true to load it for inspection only`);
      }
    }
  }
}

/**
 * Copy `param.*` tensors into `params`. Every model tensor must be present with the same shape
 * and the file may hold no extra ones; nothing is written unless everything matches.
 */
export function loadParams(ckpt: DecodedCheckpoint, params: ParamStore | Map<string, Tensor>, source = 'checkpoint'): void {
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
  for (const [name, t] of target) {
    const f = ckpt.tensors.get(`param.${name}`)!;
    t.data.set(new Float32Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength / 4));
  }
}

/** Copy `optim.*` tensors into an optimizer's state list (names and shapes must match). */
export function loadOptimizerState(ckpt: DecodedCheckpoint, state: { name: string; tensor: Tensor }[], source = 'checkpoint'): void {
  for (const { name, tensor } of state) {
    const f = ckpt.tensors.get(`optim.${name}`);
    if (!f) throw new Error(`checkpoint: ${source}: missing optimizer tensor optim.${name}`);
    if (f.bytes.byteLength !== tensor.size * 4) throw new Error(`checkpoint: ${source}: optim.${name} has ${f.bytes.byteLength / 4} values, expected ${tensor.size}`);
    tensor.data.set(new Float32Array(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength / 4));
  }
}
