// Tag-profile datasets (docs/protocols.md#tag-datasets): the docs/protocols.md#tag-rows rows of data/tag-samples plus the per-user
// input fields each dataset defines — synthetic (docs/protocols.md#synthetic-data), MovieLens latest-small (genres + free-text
// tags), Amazon Beauty (attributes, click only), Taobao head (categories; smoke only) — and the
// item → tags readers (JSON object or delimited text).
import { StringTable, type Events } from './events.js';
import { readEvents } from './read-events.js';
import { forEachLine, type DataSource } from './read-lines.js';
import { splitLine } from './formats.js';
import { generateSynthetic, type SyntheticConfig, SYNTHETIC_PRESETS } from './synthetic.js';
import { buildTagSamples, type TagSampleOptions, type TagSamples } from './tag-samples.js';
import { weightedList, type FieldSpec, type UserFields } from './tag-fields.js';

/** Everything a tag-profile experiment needs. */
export interface TagDataset {
  name: string;
  /** Input field schema, and each sample user's values (aligned with `samples.users`). */
  fields: FieldSpec[];
  users: UserFields[];
  /** Tag names by id; 0 = '<pad>'. */
  tagNames: string[];
  /** Group of each tag id (0 for padding) and the group names (0 = '<none>'). */
  tagGroups: Int32Array;
  groupNames: string[];
  /** Tag ids of each Events item index. */
  itemTags: Int32Array[];
  /** docs/protocols.md#tag-rows rows; `tagRows.key` is a tag id, `itemRows.key` an Events item index. */
  samples: TagSamples;
  /** Whether the CVR task has labels (false: click-only data). */
  hasConversions: boolean;
  /** Multi-valued fields holding tag ids (HistoryTags, UTPM candidates 'history'). */
  tagFields: string[];
}

/** A dataset-specific field computed from a user's input events (Events rows, time order). */
export interface ExtraField {
  spec: FieldSpec;
  value: (inputs: Int32Array, user: number) => number | { ids: Int32Array; weights: Float32Array };
}

export interface BuildTagDatasetOptions extends TagSampleOptions {
  name: string;
  /** Tag ids (1-based) of each Events item index. */
  itemTags: Int32Array[];
  tagNames: string[];
  tagGroups?: Int32Array;
  groupNames?: string[];
  /** Conversion label of an Events row (absent: click-only data). */
  converted?: (row: number) => boolean;
  /** Click label of an Events row, for `negatives: 'exposures'` (absent: every event is a click). */
  clicked?: (row: number) => boolean;
  /** Values kept per multi-valued field (default 100). */
  maxValues?: number;
  /** Fields beyond hist_items, the tag-id fields and activity. */
  extra?: ExtraField[];
  /** Split the tag-id history by group into fields named here (group index → field name); default one 'hist_tags'. */
  tagFieldOfGroup?: (group: number) => string;
}

/** ⌊log₂ n⌋ (n ≥ 1). */
export const log2Floor = (n: number): number => {
  let a = 0;
  for (let m = n; m >= 2; m = Math.floor(m / 2)) a++;
  return a;
};

/**
 * docs/protocols.md#tag-rows rows plus the common fields: `hist_items` (Events item index + 1, counts), the tag-id
 * fields (counts; one per group name from `tagFieldOfGroup`, sharing one table), `activity`
 * (⌊log₂ c⌋ + 1 of the input count c), then `extra`.
 */
export function buildTagDataset(events: Events, opts: BuildTagDatasetOptions): TagDataset {
  const maxValues = opts.maxValues ?? 100;
  const N = opts.tagNames.length;
  const tagGroups = opts.tagGroups ?? new Int32Array(N);
  const groupNames = opts.groupNames ?? ['<none>'];
  const samples = buildTagSamples(events, (i) => opts.itemTags[i] ?? [], opts.converted, opts, opts.clicked);
  const fieldOf = opts.tagFieldOfGroup ?? (() => 'hist_tags');
  const tagFields = [...new Set(Array.from({ length: N - 1 }, (_, t) => fieldOf(tagGroups[t + 1])))];
  const fields: FieldSpec[] = [
    { name: 'hist_items', kind: 'multi', size: events.itemIds.length + 1 },
    ...tagFields.map((name, i): FieldSpec => ({ name, kind: 'multi', size: N, ...(i > 0 ? { table: tagFields[0] } : {}) })),
    { name: 'activity', kind: 'single', size: 32 },
    ...(opts.extra ?? []).map((x) => x.spec),
  ];
  const users: UserFields[] = samples.inputs.map((rows, u) => {
    const items = Array.from(rows, (r) => events.item[r] + 1);
    const perField = tagFields.map(() => [] as number[]);
    for (const r of rows) for (const t of opts.itemTags[events.item[r]] ?? []) perField[tagFields.indexOf(fieldOf(tagGroups[t]))].push(t);
    return [
      weightedList(items, maxValues),
      ...perField.map((s) => weightedList(s, maxValues)),
      Math.min(31, log2Floor(Math.max(1, rows.length)) + 1),
      ...(opts.extra ?? []).map((x) => x.value(rows, u)),
    ];
  });
  return {
    name: opts.name, fields, users, tagNames: opts.tagNames, tagGroups, groupNames, itemTags: opts.itemTags, samples,
    hasConversions: !!opts.converted, tagFields,
  };
}

/** The synthetic planted-interest data (docs/protocols.md#synthetic-data) as a tag dataset: fields + segment, region. */
export function syntheticTagDataset(preset: keyof typeof SYNTHETIC_PRESETS = 'tiny', overrides: Partial<SyntheticConfig> = {}, opts: TagSampleOptions = {}): TagDataset {
  const d = generateSynthetic(preset, overrides);
  const C = d.config.clusters;
  const tagNames = ['<pad>', ...d.tagNames];
  // Group = the cluster of a cluster or sub-tag (1..C), C + 1 for the global tags.
  const tagGroups = Int32Array.from(tagNames, (name, i) => (i === 0 ? 0 : name.startsWith('g') ? C + 1 : 1 + Number(/^c(\d+)/.exec(name)![1])));
  const groupNames = ['<none>', ...Array.from({ length: C }, (_, c) => `c${c}`), 'global'];
  const users = d.users;
  // Events user index u is user u of the generator (interned in order).
  return buildTagDataset(d.events, {
    ...opts,
    name: `synthetic:${preset}`,
    itemTags: d.items.tags.map((t) => Int32Array.from(t, (x) => x + 1)),
    tagNames, tagGroups, groupNames,
    converted: (row) => d.converted[row] === 1,
    extra: [
      { spec: { name: 'segment', kind: 'single', size: C + 1 }, value: (rows) => users.segment[d.events.user[rows[0] ?? 0]] + 1 },
      { spec: { name: 'region', kind: 'single', size: 11 }, value: (rows) => users.region[d.events.user[rows[0] ?? 0]] + 1 },
    ],
  });
}

/** item → tags from a JSON object `{ "item": [tag, …], … }` (e.g. Beauty_item2attributes.json). */
export async function readItemTagsJson(src: DataSource): Promise<Map<string, string[]>> {
  const parts: string[] = [];
  await forEachLine(src, (line) => void parts.push(line));
  let obj: unknown;
  try {
    obj = JSON.parse(parts.join('\n'));
  } catch (e) {
    throw new Error(`readItemTagsJson: not valid JSON (${(e as Error).message}); expected { "item": [tag, ...] }`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('readItemTagsJson: expected a JSON object { "item": [tag, ...] }');
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (!Array.isArray(v)) throw new Error(`readItemTagsJson: item "${k}": expected an array of tags, got ${typeof v}`);
    out.set(k, v.map(String));
  }
  return out;
}

/**
 * item → tags from delimited text: one line per item (`item<d>tag|tag|…`) or per pair
 * (`item<d>tag`), by column index or header name. Repeated items accumulate distinct tags.
 */
export async function readItemTagsDelimited(
  src: DataSource,
  opts: { item?: string | number; tags?: string | number; delimiter?: string; tagSeparator?: string; header?: boolean } = {},
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let iCol = typeof opts.item === 'number' ? opts.item : 0;
  let tCol = typeof opts.tags === 'number' ? opts.tags : 1;
  const sep = opts.tagSeparator ?? '|';
  let delim = opts.delimiter;
  await forEachLine(src, (line, no) => {
    if (!line.trim()) return;
    delim ??= line.includes('\t') ? '\t' : ',';
    const cells = splitLine(line, delim);
    if (no === 1 && opts.header !== false && (typeof opts.item === 'string' || typeof opts.tags === 'string' || opts.header)) {
      if (typeof opts.item === 'string') iCol = cells.indexOf(opts.item);
      if (typeof opts.tags === 'string') tCol = cells.indexOf(opts.tags);
      if (iCol < 0 || tCol < 0) throw new Error(`readItemTagsDelimited: header "${line}" lacks column ${iCol < 0 ? opts.item : opts.tags}`);
      return;
    }
    const item = (cells[iCol] ?? '').trim();
    if (!item) throw new Error(`readItemTagsDelimited: line ${no}: item id is empty`);
    const list = out.get(item) ?? [];
    for (const t of (cells[tCol] ?? '').split(sep)) {
      const s = t.trim();
      if (s && !list.includes(s)) list.push(s);
    }
    out.set(item, list);
  });
  return out;
}

/** Tag ids per Events item from a raw item → tag-name map, interning names into `table` (id = index + 1). */
export function itemTagIds(events: Events, map: Map<string, string[]>, table: StringTable): Int32Array[] {
  return events.itemIds.map((id) => Int32Array.from(map.get(id) ?? [], (t) => table.intern(t) + 1));
}

/** lower-case, trim, collapse inner whitespace (MovieLens free-text tags, docs/protocols.md#tag-datasets). */
export const normaliseTag = (s: string): string => s.toLowerCase().trim().replace(/\s+/g, ' ');

/**
 * MovieLens latest-small (docs/protocols.md#tag-datasets): click = rated, conversion = rating ≥ 4; with `negatives:
 * 'exposures'` a rated movie is an exposure, click = rating ≥ 4, conversion = rating ≥ 4.5
 * (docs/protocols.md#real-exposures). Tags: the 19 genres
 * (`genre:`) and free-text tags (`tag:`, normalised, on ≥ 2 distinct movies). Fields: hist_items,
 * hist_genres, hist_tags, activity, hist_pos_items, mean_rating (0.5 buckets).
 */
export async function movielensTagDataset(dir: string, opts: TagSampleOptions = {}): Promise<TagDataset> {
  const events = await readEvents(`${dir}/ratings.csv.gz`);
  const genres = new Map<string, string[]>();
  await forEachLine(`${dir}/movies.csv.gz`, (line, no) => {
    if (no === 1) return;
    const cells = splitLine(line, ',');
    const g = (cells[cells.length - 1] ?? '').split('|').filter((x) => x && x !== '(no genres listed)');
    genres.set(cells[0], g);
  });
  const free = new Map<string, Set<string>>(); // tag → movies
  await forEachLine(`${dir}/tags.csv.gz`, (line, no) => {
    if (no === 1) return;
    const cells = splitLine(line, ',');
    const t = normaliseTag(cells[2] ?? '');
    if (!t) return;
    if (!free.has(t)) free.set(t, new Set());
    free.get(t)!.add(cells[1]);
  });
  const names = new StringTable();
  const genreNames = [...new Set([...genres.values()].flat())].sort();
  for (const g of genreNames) names.intern(`genre:${g}`);
  const keptFree = [...free.entries()].filter(([, m]) => m.size >= 2).map(([t]) => t).sort();
  for (const t of keptFree) names.intern(`tag:${t}`);
  const byMovie = new Map<string, string[]>();
  for (const [m, g] of genres) byMovie.set(m, g.map((x) => `genre:${x}`));
  for (const t of keptFree) for (const m of free.get(t)!) { const l = byMovie.get(m) ?? []; l.push(`tag:${t}`); byMovie.set(m, l); }
  const itemTags = events.itemIds.map((id) => Int32Array.from((byMovie.get(id) ?? []).filter((n) => names.get(n) >= 0), (n) => names.get(n) + 1));
  const tagNames = ['<pad>', ...names.values];
  const tagGroups = Int32Array.from(tagNames, (n, i) => (i === 0 ? 0 : n.startsWith('genre:') ? 1 : 2));
  const rating = events.rating!;
  return buildTagDataset(events, {
    ...opts,
    name: 'ml-latest-small', itemTags, tagNames, tagGroups, groupNames: ['<none>', 'genre', 'tag'],
    ...(opts.negatives === 'exposures'
      ? { clicked: (row: number) => rating[row] >= 4, converted: (row: number) => rating[row] >= 4.5 }
      : { converted: (row: number) => rating[row] >= 4 }),
    tagFieldOfGroup: (g) => (g === 1 ? 'hist_genres' : 'hist_tags'),
    extra: [
      { spec: { name: 'hist_pos_items', kind: 'multi', size: events.itemIds.length + 1, table: 'hist_items' },
        value: (rows) => weightedList(Array.from(rows, (r) => (rating[r] >= 4 ? events.item[r] + 1 : 0))) },
      { spec: { name: 'mean_rating', kind: 'single', size: 12 },
        value: (rows) => { let s = 0; for (const r of rows) s += rating[r]; return rows.length ? 1 + Math.min(10, Math.round((2 * s) / rows.length)) : 0; } },
    ],
  });
}

/** Amazon Beauty (docs/protocols.md#tag-datasets): sequence order, click only; tags = attribute ids; fields hist_items, hist_attrs, activity. */
export async function amazonTagDataset(sequences: string, attributes: string, opts: TagSampleOptions = {}): Promise<TagDataset> {
  if (opts.negatives === 'exposures') throw new Error(`amazonTagDataset: ${sequences}: every review is a purchase, so the data has no exposed-but-not-clicked items; use the drawn negatives`);
  const events = await readEvents(sequences, { format: 'sequence' });
  const table = new StringTable();
  const map = await readItemTagsJson(attributes);
  const itemTags = itemTagIds(events, map, table);
  return buildTagDataset(events, {
    ...opts, name: 'amazon', itemTags, tagNames: ['<pad>', ...table.values.map((a) => `attr:${a}`)],
    tagFieldOfGroup: () => 'hist_attrs',
  });
}

/**
 * Taobao head (docs/protocols.md#tag-datasets, smoke only): click = every exposure kept, conversion = buy; tags = category
 * ids. With `negatives: 'exposures'`: an item of the target window is an exposure (pv), a click
 * when it was carted, favourited or bought there, a conversion when bought.
 */
export async function taobaoTagDataset(file: string, opts: TagSampleOptions = {}): Promise<TagDataset> {
  const events = await readEvents(file, { behaviors: 'all' });
  const table = new StringTable();
  const catOf = new Map<string, string[]>();
  for (let e = 0; e < events.length; e++) catOf.set(events.itemIds[events.item[e]], [events.categoryIds![events.category![e]]]);
  const itemTags = itemTagIds(events, catOf, table);
  const buy = events.behaviorNames!.indexOf('buy');
  const pv = events.behaviorNames!.indexOf('pv');
  const ofBehavior = (name: string) => {
    const b = events.behaviorNames!.indexOf(name);
    return (rows: Int32Array) => weightedList(Array.from(rows, (r) => (events.behavior![r] === b ? itemTags[events.item[r]][0] ?? 0 : 0)));
  };
  return buildTagDataset(events, {
    ...opts, name: 'taobao-head', itemTags, tagNames: ['<pad>', ...table.values.map((c) => `cat:${c}`)],
    converted: (row) => events.behavior![row] === buy,
    ...(opts.negatives === 'exposures' ? { clicked: (row: number) => events.behavior![row] !== pv } : {}),
    extra: ['pv', 'cart', 'fav', 'buy'].map((b) => ({ spec: { name: `${b}_cats`, kind: 'multi' as const, size: table.size + 1, table: 'hist_tags' }, value: ofBehavior(b) })),
  });
}
