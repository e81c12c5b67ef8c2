// Model checkpoints as one safetensors file: parameters under `param.<name>`, optional optimizer
// state under `optim.<name>`, and JSON metadata (format tag, model kind, config, vocabulary of raw
// ids, trainer state). Loading checks kind, config and every name and shape before copying a byte
// into the model, so a wrong file leaves the model untouched.
import type { ParamStore } from '../nn/params.js';
import type { Tensor } from '../tensor.js';
import { decodeSafetensors, encodeSafetensors, fromTyped, type SafeTensor } from './safetensors.js';

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
export function encodeCheckpoint(parts: CheckpointParts): Uint8Array {
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
    try {
      return JSON.parse(m[key]);
    } catch {
      return bad(`metadata "${key}" is not valid JSON`);
    }
  };
  if (!m.kind) bad('metadata has no model kind');
  for (const [name, t] of file.tensors) {
    if (!name.startsWith('param.') && !name.startsWith('optim.')) bad(`unexpected tensor "${name}"`);
    if (t.dtype !== 'F32') bad(`tensor "${name}" is ${t.dtype}, expected F32`);
  }
  return {
    kind: m.kind,
    config: json('config'),
    vocab: json('vocab'),
    extra: (json('extra') as Record<string, unknown>) ?? {},
    optimizer: json('optimizer') as { kind: string; t: number } | undefined,
    tensors: file.tensors,
    metadata: m,
  };
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
