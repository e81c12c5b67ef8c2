// Checks of a retrieval model config that came from outside (a checkpoint's metadata), before
// any model is built from it: a plain object, only settings the model has, each of the type of
// its default, sizes whole and positive, and the sizes no tensor pins down (window length,
// interest count, routing iterations) within bounds, so serving a loaded model stays bounded.
// Errors name the field: `config.dim is the string "16", expected a whole number ≥ 1`.
import { MIND_DEFAULTS } from './mind.js';
import { COMIREC_DR_DEFAULTS } from './comirec-dr.js';
import { COMIREC_SA_DEFAULTS } from './comirec-sa.js';
import { SINE_DEFAULTS } from './sine.js';
import { YOUTUBE_DNN_DEFAULTS } from './youtube-dnn.js';
import { UTPM_DEFAULTS } from './utpm.js';
import { MVKE_DEFAULTS } from './mvke.js';
import { TOWER_DEFAULTS } from './tower-model.js';
import type { RetrievalModelName } from './registry.js';

const DEFAULTS: Record<Exclude<RetrievalModelName, 'most-popular'>, object> = {
  'comirec-sa': { ...COMIREC_SA_DEFAULTS, attentionWidth: 256 }, 'comirec-dr': COMIREC_DR_DEFAULTS,
  mind: MIND_DEFAULTS, sine: SINE_DEFAULTS, 'youtube-dnn': YOUTUBE_DNN_DEFAULTS,
};

/** Whole-number settings: [least value, most value]. The most are far above any trained model. */
const WHOLE: Record<string, [number, number]> = {
  items: [2, 2 ** 31 - 1], dim: [1, 65_536], interests: [1, 4_096], seqLen: [1, 100_000], attentionWidth: [1, 1 << 20],
  iterations: [1, 1_000], prototypes: [1, 1 << 20], profileDim: [1, 65_536], profileHidden: [0, 1 << 20],
  seed: [-(2 ** 53), 2 ** 53], routingSeed: [-(2 ** 53), 2 ** 53],
};

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The config of a `name` model read from `where` (e.g. `model.safetensors: config`), checked;
 * throws naming the first bad field. Unknown settings are refused (the file was written by a
 * model this version does not know).
 */
export function checkRetrievalConfig(name: Exclude<RetrievalModelName, 'most-popular'>, config: unknown, where: string): Record<string, unknown> & { items: number } {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error(`${where} is ${kindOf(config)}, expected an object of model settings`);
  const c = config as Record<string, unknown>;
  const defaults = DEFAULTS[name] as Record<string, unknown>;
  const bad = (key: string, v: unknown, want: string): never => {
    throw new Error(`${where}.${key} is ${kindOf(v)}, expected ${want}`);
  };
  if (!hasOwn(c, 'items')) throw new Error(`${where} has no "items" (the item-table rows)`);
  for (const key of Object.keys(c)) {
    const v = c[key];
    if (key !== 'items' && !hasOwn(defaults, key)) throw new Error(`${where} has a setting "${key}" that ${name} does not know (settings: items, ${Object.keys(defaults).join(', ')})`);
    if (hasOwn(WHOLE, key)) {
      const [lo, hi] = WHOLE[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) bad(key, v, `a whole number in ${lo}..${hi}`);
      continue;
    }
    const d = defaults[key];
    if (key === 'labelAwareP') {
      // JSON writes the default Infinity as null.
      if (v !== null && !(typeof v === 'number' && v >= 0)) bad(key, v, 'a number ≥ 0 or null (Infinity)');
    } else if (typeof d === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(key, v, 'a finite number');
    } else if (typeof d === 'string' || typeof d === 'boolean') {
      if (typeof v !== typeof d) bad(key, v, `a ${typeof d}`);
    } else if (Array.isArray(d)) {
      if (!Array.isArray(v) || v.length > 1_000 || !v.every((x) => Number.isSafeInteger(x) && x >= 2 && x < 2 ** 31)) bad(key, v, 'a list of at most 1000 whole numbers ≥ 2');
    } else if (key === 'negatives') {
      const n = v as Record<string, unknown>;
      if (typeof v !== 'object' || v === null || Array.isArray(v) || typeof n.kind !== 'string') bad(key, v, 'an object { kind, count? }');
      if (n.count !== undefined && !(Number.isSafeInteger(n.count) && (n.count as number) >= 1)) bad(`${key}.count`, n.count, 'a whole number ≥ 1');
    }
  }
  return { ...c } as Record<string, unknown> & { items: number };
}

const TAG_DEFAULTS: Record<string, object> = {
  UTPM: UTPM_DEFAULTS, MVKE: MVKE_DEFAULTS, TwoTower: TOWER_DEFAULTS, HardSharing: TOWER_DEFAULTS, MMoE: TOWER_DEFAULTS,
};

/**
 * The config of a stored tag model (UTPM, MVKE, TwoTower, HardSharing, MMoE) checked before the
 * model is built: settings of the type of their defaults, whole sizes bounded, `fields` a list of
 * { name, kind, size }. Errors name the field (`…: config.dim is the string "16", …`).
 */
export function checkTagConfig(kind: string, config: unknown, where: string): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(TAG_DEFAULTS, kind)) throw new Error(`${where}: unknown tag model kind ${JSON.stringify(kind)} (expected one of ${Object.keys(TAG_DEFAULTS).join(', ')}, PopularTags, HistoryTags)`);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error(`${where}.config is ${kindOf(config)}, expected an object of model settings`);
  const c = config as Record<string, unknown>;
  const defaults = TAG_DEFAULTS[kind] as Record<string, unknown>;
  const bad = (key: string, v: unknown, want: string): never => {
    throw new Error(`${where}.config.${key} is ${kindOf(v)}, expected ${want}`);
  };
  const whole = (key: string, v: unknown, lo: number, hi: number) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) bad(key, v, `a whole number in ${lo}..${hi}`);
  };
  whole('tags', c.tags, 2, 1 << 24);
  if (!Array.isArray(c.fields) || c.fields.length > 1_000) bad('fields', c.fields, 'a list of at most 1000 fields');
  (c.fields as unknown[]).forEach((f, i) => {
    const x = f as Record<string, unknown>;
    if (typeof f !== 'object' || f === null || typeof x.name !== 'string' || (x.kind !== 'multi' && x.kind !== 'single') || (x.table !== undefined && typeof x.table !== 'string')) {
      bad(`fields[${i}]`, f, "an object { name, kind: 'multi' | 'single', size, table? }");
    }
    whole(`fields[${i}].size`, x.size, 1, 2 ** 31 - 1);
  });
  for (const key of Object.keys(c)) {
    if (key === 'tags' || key === 'fields') continue;
    const v = c[key];
    if (key === 'tagGroups') {
      if (!Array.isArray(v) || v.length !== c.tags || !v.every((g) => Number.isSafeInteger(g) && g >= -1 && g < 1 << 24)) bad(key, v, `a list of ${c.tags} whole numbers`);
      continue;
    }
    const d = Object.prototype.hasOwnProperty.call(defaults, key) ? defaults[key] : undefined;
    if (typeof d === 'number') {
      if (Number.isInteger(d)) whole(key, v, 0, 1 << 24);
      else if (typeof v !== 'number' || !Number.isFinite(v)) bad(key, v, 'a finite number');
    } else if (typeof d === 'string' || typeof d === 'boolean') {
      if (typeof v !== typeof d) bad(key, v, `a ${typeof d}`);
    } else if (Array.isArray(d)) {
      const strings = typeof d[0] === 'string';
      if (!Array.isArray(v) || v.length > 4_096 || !v.every((x) => (strings ? typeof x === 'string' : typeof x === 'number' && Number.isFinite(x)))) bad(key, v, `a list of at most 4096 ${strings ? 'strings' : 'numbers'}`);
    } else if (v !== null && typeof v === 'object') bad(key, v, 'a number, string or boolean');
  }
  return { ...c };
}
