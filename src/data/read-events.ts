// readEvents: one streaming pass over an interaction file into an Events collection. Detects the
// format from a sample of lines (refusing to guess between plausible ones) or takes `format`,
// validates every line, and either throws on the first bad line (`strict: true`) or skips it and
// counts why (default), so a result is never silently wrong. A malformed line costs what a good
// one does: no Error object, and a message is built only when someone will read it.
import { checkOptions } from '../engine/check-options.js';
import { EventsBuilder, type Events, type ReadSummary } from './events.js';
import {
  EVENT_FORMATS, commonColumns, detectFromSample, fixedLayout, headerLayout, recboleColumns, splitLine,
  type Columns, type EventFormat, type Layout,
} from './formats.js';
import { forEachLine, printable, sourceName, type DataSource } from './read-lines.js';

/** Options of readEvents. */
export interface ReadOptions {
  /** File format; default 'auto' (from the name and the first lines; ambiguous files are refused). */
  format?: EventFormat | 'auto';
  /** Throw on the first malformed line (default false: skip it and count it in `summary`). */
  strict?: boolean;
  /** Taobao behaviours to keep (default ['pv']); 'all' keeps every row and records the behaviour. */
  behaviors?: string[] | 'all';
  /** Column mapping for 'delimited'/'csv' (default: common header names) and 'recbole' (optional override). */
  columns?: Columns;
  /** Delimiter for 'delimited' (default: tab if the first line has one, else ','). */
  delimiter?: string;
  /** Whether a 'delimited' file has a header line (default true; without one, columns are indices). */
  header?: boolean;
  /** Label used in messages instead of the file name. */
  name?: string;
  /** Called for every skipped line in lenient mode (e.g. console.warn). */
  onWarning?: (message: string) => void;
  /** Longest line in bytes (default 16 MiB); longer is an error naming the file and line. */
  maxLineBytes?: number;
  /** Called with every raw chunk as read (before gunzip): hash the file in the same single pass. */
  onBytes?: (chunk: Uint8Array) => void;
}

const MAX_EXAMPLES = 5;
/** Lines looked at before the format is decided. */
const SAMPLE_LINES = 20;

/** Why a line was skipped: a plain object (throwing an Error per bad line costs a stack trace). */
interface BadLine { reason: string; detail: string }

const bad = (reason: string, detail: string): BadLine => ({ reason, detail });

function num(s: string, field: string): number | BadLine {
  const t = s.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) return bad(`${field} is not a number`, `${field} "${printable(s, 40)}" is not a number`);
  return v;
}

function id(s: string | undefined, field: string): string | BadLine {
  const t = s === undefined ? '' : s.trim();
  if (t === '') return bad(`${field} id is empty`, `${field} id "" is empty`);
  return t;
}

/**
 * Read interactions from a file path, bytes, text or stream (gzip transparently).
 * @example const ev = await readEvents('ratings.csv.gz'); // MovieLens latest, detected
 * @throws on unreadable sources, an undetectable or ambiguous format, a header missing a needed
 *   column, a line longer than `maxLineBytes`, invalid UTF-8, the first malformed line in strict
 *   mode, or when no event at all was read.
 */
export async function readEvents(src: DataSource, opts: ReadOptions = {}): Promise<Events> {
  checkOptions('readEvents options', opts, { format: 'string', strict: 'boolean', behaviors: 'any', columns: 'object', delimiter: 'string', header: 'boolean', name: 'string', onWarning: 'function', maxLineBytes: 'integer', onBytes: 'function' });
  const name = opts.name ?? sourceName(src);
  const strict = opts.strict ?? false;
  const summary: ReadSummary = { lines: 0, events: 0, skipped: 0, filtered: 0, reasons: {}, examples: [] };
  const given = opts.format ?? 'auto';
  if (given !== 'auto' && !EVENT_FORMATS.includes(given)) {
    throw new Error(`readEvents: ${name}: unknown format ${JSON.stringify(given)}; use one of auto, ${EVENT_FORMATS.join(', ')}`);
  }
  let format: EventFormat | null = given === 'auto' ? null : given;
  let layout: Layout | null = null;
  let builder: EventsBuilder | null = null;
  let keep: Set<string> | null = null;
  let ordinal = 0; // file order, the time of formats without one
  const sample: [string, number][] = [];

  /** Decide the format and layout from the sampled lines; true when the first line is a header. */
  const setup = (): boolean => {
    const [first, lineNo] = sample[0];
    const where = `readEvents: ${name} line ${lineNo}`;
    if (format === null || format === 'movielens') {
      const d = detectFromSample(name, sample.map(([l]) => l));
      if ('error' in d) throw new Error(`readEvents: ${name}: ${d.error}`);
      if (format === 'movielens' && !d.format.startsWith('movielens-')) {
        throw new Error(`${where}: --format movielens, but "${printable(first)}" is none of u.data (user<TAB>item<TAB>rating<TAB>timestamp), ratings.dat (user::item::rating::timestamp) or ratings.csv (header userId,movieId,rating,timestamp)`);
      }
      format = d.format;
    }
    if (format === 'csv') { format = 'delimited'; opts = { ...opts, delimiter: opts.delimiter ?? ',' }; }
    if (format === 'taobao') {
      const b = opts.behaviors ?? ['pv'];
      keep = b === 'all' ? null : new Set(b);
    }
    if (format === 'sequence') {
      const odd = sample.find(([l]) => l.includes('\t') || l.includes(','));
      if (odd) throw new Error(`readEvents: ${name} line ${odd[1]}: format 'sequence' is space-separated (user item item ...), but this line has ${odd[0].includes('\t') ? 'tabs' : 'commas'}; pass the format the file has (e.g. movielens-tab, comirec, delimited)`);
      builder = new EventsBuilder(false, false, false);
      return false;
    }
    let isHeader = false;
    if (format === 'movielens-csv' || format === 'recbole' || (format === 'delimited' && opts.header !== false)) {
      const delim = format === 'movielens-csv' ? ',' : format === 'recbole' ? '\t' : (opts.delimiter ?? (first.includes('\t') ? '\t' : ','));
      const header = splitLine(first, delim);
      const cols: Columns = format === 'movielens-csv' ? { user: 'userId', item: 'movieId', rating: 'rating', time: 'timestamp' }
        : format === 'recbole' ? recboleColumns(header, opts.columns) : opts.columns ?? commonColumns(header) ?? requireColumns(name, header);
      layout = headerLayout(format === 'recbole' ? header.map((h) => h.split(':')[0]) : header, delim, cols, `${name} line ${lineNo}`);
      isHeader = true;
    } else if (format === 'delimited') {
      const cols = opts.columns ?? requireColumns(name, null);
      const delim = opts.delimiter ?? (first.includes('\t') ? '\t' : ',');
      const width = first.split(delim).length;
      layout = headerLayout(Array.from({ length: width }, (_, i) => `column${i}`), delim, cols, `${name} line ${lineNo}`);
      layout.header = false;
    } else layout = fixedLayout(format)!;
    builder = new EventsBuilder(layout.rating >= 0, layout.behavior >= 0, layout.category >= 0);
    return isHeader;
  };

  const parse = (line: string): BadLine | null => {
    const b = builder!;
    if (format === 'sequence') {
      const tok = line.trim().split(/\s+/);
      const user = id(tok[0], 'user');
      if (typeof user !== 'string') return user;
      if (tok.length < 2) return bad('line has no items', `user "${printable(user, 40)}" has no items (expected user item item ...)`);
      for (let i = 1; i < tok.length; i++) b.push(user, tok[i], ordinal++);
      return null;
    }
    const L = layout!;
    const f = splitLine(line, L.delim);
    if (f.length < L.names.length) return bad('too few fields', `expected ${L.names.length} fields, got ${f.length}`);
    const user = id(f[L.user], L.names[L.user] ?? 'user');
    if (typeof user !== 'string') return user;
    const item = id(f[L.item], L.names[L.item] ?? 'item');
    if (typeof item !== 'string') return item;
    const time = L.time >= 0 ? num(f[L.time], L.names[L.time]) : ordinal;
    if (typeof time !== 'number') return time;
    const rating = L.rating >= 0 ? num(f[L.rating], L.names[L.rating]) : NaN;
    if (typeof rating !== 'number') return rating;
    let category = '';
    if (L.category >= 0) {
      const c = id(f[L.category], L.names[L.category]);
      if (typeof c !== 'string') return c;
      category = c;
    }
    let behavior = '';
    if (L.behavior >= 0) {
      const v = id(f[L.behavior], L.names[L.behavior]);
      if (typeof v !== 'string') return v;
      behavior = v;
      if (format === 'taobao' && !/^(pv|buy|cart|fav)$/.test(behavior)) {
        return bad('unknown behavior', `behavior "${printable(behavior, 40)}" is not one of pv, buy, cart, fav`);
      }
      if (keep && !keep.has(behavior)) { summary.filtered++; ordinal++; return null; }
    }
    ordinal++;
    b.push(user, item, time, rating, behavior, category);
    return null;
  };

  const onData = (line: string, lineNo: number): void => {
    const e = parse(line);
    if (e === null) return;
    summary.skipped++;
    summary.reasons[e.reason] = (summary.reasons[e.reason] ?? 0) + 1;
    // The message is built only when it is thrown, kept as an example or handed to onWarning.
    if (!strict && summary.examples.length >= MAX_EXAMPLES && !opts.onWarning) return;
    const expected = format === 'sequence' ? 'user item item ...' : layout!.expected;
    const msg = `readEvents: ${name} line ${lineNo}: ${e.detail} (expected ${expected})`;
    if (strict) throw new Error(`${msg}; fix the line or pass strict: false to skip it`);
    if (summary.examples.length < MAX_EXAMPLES) summary.examples.push(msg);
    opts.onWarning?.(msg);
  };

  const flushSample = (): void => {
    const header = setup();
    sample.forEach(([l, no], i) => { if (!(i === 0 && header)) onData(l, no); });
    sample.length = 0;
  };

  await forEachLine(src, (line, lineNo) => {
    if (line.trim() === '') return;
    summary.lines++;
    if (builder === null) {
      sample.push([line, lineNo]);
      if (sample.length >= SAMPLE_LINES) flushSample();
      return;
    }
    onData(line, lineNo);
  }, { name, maxLineBytes: opts.maxLineBytes, onBytes: opts.onBytes });
  if (builder === null && sample.length) flushSample();
  const b = builder as EventsBuilder | null;
  if (b === null || b.length === 0) {
    const why = summary.lines === 0 ? 'the file is empty'
      : summary.skipped > 0 ? `all ${summary.skipped} data lines were malformed, e.g. ${summary.examples[0]}`
      : summary.filtered > 0 ? `all ${summary.filtered} rows were filtered out (behaviors: ${JSON.stringify(opts.behaviors ?? ['pv'])})`
      : 'the file has only a header';
    throw new Error(`readEvents: ${name}: no events read (${why})`);
  }
  summary.events = b.length;
  const hasTime = format === 'sequence' ? false : layout!.hasTime;
  return b.finish({ hasTime, source: name, format: format!, summary });
}

function requireColumns(name: string, header: string[] | null): never {
  throw new Error(`readEvents: ${name}: format 'delimited' needs columns (--columns user=COL,item=COL[,time=COL] or columns: { user, item, time? }, header names or 0-based indices)${header ? `; the header names no usual user and item columns (${header.map((h) => printable(h, 30)).join(',')})` : ''}`);
}
