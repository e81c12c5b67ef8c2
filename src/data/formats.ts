// Interaction file formats: their column layouts and detection from the file name and first line.
// Line-per-event formats share one Layout (delimiter, header, column positions); the one-sequence-
// per-line format (`user item item ...`, S3-Rec) is handled separately by the reader. Detection
// looks at a sample of lines and refuses to choose between plausible formats.
import { printable } from './read-lines.js';

/** Supported formats; 'auto' (the default) detects from the name and the first line. */
export type EventFormat =
  | 'movielens-tab' // u.data: user<TAB>item<TAB>rating<TAB>timestamp
  | 'movielens-dat' // ratings.dat: user::item::rating::timestamp
  | 'movielens-csv' // ratings.csv: header userId,movieId,rating,timestamp
  | 'comirec' // user,item,position (no header)
  | 'taobao' // UserBehavior.csv: user,item,category,behavior,timestamp (no header)
  | 'sequence' // user item item ... (order = sequence order)
  | 'recbole' // .inter: tab-separated, header of field:type names
  | 'delimited' // generic: `columns` (or a header naming user and item columns), `delimiter`
  | 'movielens' // any of the three MovieLens layouts, told apart by the content
  | 'csv'; // 'delimited' with ',' and a header line

/** Every format name readEvents accepts (besides 'auto'). */
export const EVENT_FORMATS: readonly EventFormat[] = ['movielens-tab', 'movielens-dat', 'movielens-csv', 'movielens', 'comirec', 'taobao', 'sequence', 'recbole', 'delimited', 'csv'];

/** A column, by header name or 0-based position. */
export type ColumnRef = string | number;

/** Column mapping for 'delimited' (and overrides for 'recbole'). */
export interface Columns {
  user: ColumnRef;
  item: ColumnRef;
  /** Timestamp column; absent means file order. */
  time?: ColumnRef;
  rating?: ColumnRef;
  category?: ColumnRef;
  behavior?: ColumnRef;
}

/** Resolved column positions of a line-per-event format (−1 = absent). */
export interface Layout {
  delim: string;
  header: boolean;
  user: number;
  item: number;
  time: number;
  rating: number;
  category: number;
  behavior: number;
  /** True when `time` holds timestamps (false: a position such as ComiRec's index). */
  hasTime: boolean;
  /** Expected line shape for messages, e.g. 'userId,movieId,rating,timestamp'. */
  expected: string;
  /** Field names by position, for messages. */
  names: string[];
}

function fixed(delim: string, names: string[], cols: Partial<Record<'user' | 'item' | 'time' | 'rating' | 'category' | 'behavior', number>>, hasTime: boolean): Layout {
  return {
    delim, header: false, user: cols.user ?? -1, item: cols.item ?? -1, time: cols.time ?? -1,
    rating: cols.rating ?? -1, category: cols.category ?? -1, behavior: cols.behavior ?? -1,
    hasTime, expected: names.join(delim === '\t' ? '<TAB>' : delim), names,
  };
}

/** Layout of a headerless fixed format. */
export function fixedLayout(format: EventFormat): Layout | null {
  switch (format) {
    case 'movielens-tab': return fixed('\t', ['user', 'item', 'rating', 'timestamp'], { user: 0, item: 1, rating: 2, time: 3 }, true);
    case 'movielens-dat': return fixed('::', ['user', 'item', 'rating', 'timestamp'], { user: 0, item: 1, rating: 2, time: 3 }, true);
    case 'comirec': return fixed(',', ['user', 'item', 'index'], { user: 0, item: 1, time: 2 }, false);
    case 'taobao': return fixed(',', ['user', 'item', 'category', 'behavior', 'timestamp'], { user: 0, item: 1, category: 2, behavior: 3, time: 4 }, true);
    default: return null;
  }
}

/** Layout from a header line and a column mapping (names matched exactly, then case-insensitively). */
export function headerLayout(header: string[], delim: string, cols: Columns, where: string): Layout {
  const names = header.map((h) => h.trim());
  const find = (ref: ColumnRef | undefined, what: string, required: boolean): number => {
    if (ref === undefined) return -1;
    if (typeof ref === 'number') {
      if (ref >= 0 && ref < names.length) return ref;
      throw new Error(`readEvents: ${where}: ${what} column ${ref} is out of range (the header has ${names.length} columns: ${names.join(',')})`);
    }
    let i = names.indexOf(ref);
    if (i < 0) i = names.findIndex((n) => n.toLowerCase() === ref.toLowerCase());
    if (i < 0 && required) {
      throw new Error(`readEvents: ${where}: header has no ${what} column "${ref}" (columns: ${names.join(',')}); pass columns: { ${what}: <name or index> }`);
    }
    return i;
  };
  return {
    delim, header: true,
    user: find(cols.user, 'user', true), item: find(cols.item, 'item', true), time: find(cols.time, 'time', true),
    rating: find(cols.rating, 'rating', true), category: find(cols.category, 'category', true), behavior: find(cols.behavior, 'behavior', true),
    hasTime: cols.time !== undefined, expected: names.join(delim === '\t' ? '<TAB>' : delim), names,
  };
}

/** Column names of a RecBole header (`user_id:token<TAB>item_id:token<TAB>timestamp:float`). */
export function recboleColumns(header: string[], given?: Columns): Columns {
  if (given) return given;
  const base = header.map((h) => h.trim().split(':')[0]);
  const pick = (...cands: string[]) => { const i = base.findIndex((b) => cands.includes(b)); return i < 0 ? undefined : i; };
  const user = pick('user_id', 'uid', 'user'), item = pick('item_id', 'iid', 'item');
  if (user === undefined || item === undefined) {
    throw new Error(`readEvents: RecBole header needs user_id and item_id fields, got ${header.join(' ')}; pass columns: { user, item }`);
  }
  return { user, item, time: pick('timestamp', 'time'), rating: pick('rating', 'label') };
}

const NUM = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** Guess the format from the source name and its first non-empty line. */
export function detectFormat(name: string, first: string): EventFormat | null {
  const lower = name.toLowerCase();
  if (/\.inter(\.gz)?$/.test(lower) || /^[^\t]+:(token|float|token_seq|float_seq)\t/.test(first)) return 'recbole';
  if (first.includes('::')) return 'movielens-dat';
  if (/^"?userid"?,"?movieid"?/i.test(first)) return 'movielens-csv';
  const comma = first.split(',');
  if (comma.length === 5 && /^(pv|buy|cart|fav)$/.test(comma[3].trim())) return 'taobao';
  if (comma.length === 3 && comma.every((c) => NUM.test(c.trim()))) return 'comirec';
  const tab = first.split('\t');
  if (tab.length === 4 && tab.every((c) => NUM.test(c.trim()))) return 'movielens-tab';
  if (!first.includes(',') && !first.includes('\t') && first.trim().split(/ +/).length >= 2) return 'sequence';
  return null;
}

/** Common header names of the user, item, time and rating columns (matched case-insensitively). */
const COMMON: Record<'user' | 'item' | 'time' | 'rating', string[]> = {
  user: ['user', 'userid', 'user_id', 'uid', 'visitorid', 'reviewerid', 'customer_id'],
  item: ['item', 'itemid', 'item_id', 'iid', 'movieid', 'asin', 'productid', 'product_id'],
  time: ['timestamp', 'time', 'ts', 'unixreviewtime', 'datetime'],
  rating: ['rating', 'score', 'overall'],
};

/** Columns found by common header names, or null when the header names no user or item column. */
export function commonColumns(header: string[]): Columns | null {
  const names = header.map((h) => h.trim().toLowerCase().split(':')[0]);
  const find = (k: keyof typeof COMMON) => { const i = names.findIndex((n) => COMMON[k].includes(n)); return i < 0 ? undefined : i; };
  const user = find('user'), item = find('item');
  if (user === undefined || item === undefined) return null;
  return { user, item, time: find('time'), rating: find('rating') };
}

/**
 * The format of a sample of a file's first non-empty lines, or an error message when no format
 * fits or several plausibly do (e.g. `196 242 3 881250949` could be one user's sequence of three
 * items or a space-separated u.data row): detection never guesses.
 */
export function detectFromSample(name: string, lines: readonly string[]): { format: EventFormat } | { error: string } {
  const first = lines[0] ?? '';
  const found = detectFormat(name, first);
  const spaced = lines.every((l) => !l.includes(',') && !l.includes('\t') && !l.includes('::'));
  if (found === 'sequence' && spaced) {
    const widths = new Set(lines.map((l) => l.trim().split(/ +/).length));
    const allNumeric = lines.every((l) => l.trim().split(/ +/).every((t) => NUM.test(t)));
    const w = [...widths][0];
    if (widths.size === 1 && w >= 3 && w <= 5 && allNumeric) {
      return { error: `the first ${lines.length} lines all have ${w} numbers separated by spaces, which could be events (user item rating timestamp, e.g. a space-separated u.data) or one sequence per line (user item item ...); pass the format: --format delimited --delimiter ' ' --columns user=0,item=1,time=${w - 1} (format: 'delimited'), or --format sequence (format: 'sequence')` };
    }
  }
  if (found === null) {
    return { error: `cannot detect the format of line 1 "${printable(first)}"; pass the format (--format or format:) as one of ${EVENT_FORMATS.join(', ')} (delimited and csv take --columns user=COL,item=COL[,time=COL])` };
  }
  return { format: found };
}

/** Split one line; double-quoted fields (with "" escapes) are honoured for ',' when a quote appears. */
export function splitLine(line: string, delim: string): string[] {
  if (delim !== ',' || !line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"') { if (line[i + 1] === '"') { cur += '"'; i++; } else q = false; } else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}
