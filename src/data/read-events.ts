// readEvents: one streaming pass over an interaction file into an Events collection. Detects the
// format (or takes `format`), validates every line, and either throws on the first bad line
// (`strict: true`) or skips it and counts why (default), so a result is never silently wrong.
import { EventsBuilder, type Events, type ReadSummary } from './events.js';
import {
  detectFormat, fixedLayout, headerLayout, recboleColumns, splitLine,
  type Columns, type EventFormat, type Layout,
} from './formats.js';
import { forEachLine, sourceName, type DataSource } from './read-lines.js';

/** Options of readEvents. */
export interface ReadOptions {
  /** File format; default 'auto' (from the name and the first line). */
  format?: EventFormat | 'auto';
  /** Throw on the first malformed line (default false: skip it and count it in `summary`). */
  strict?: boolean;
  /** Taobao behaviours to keep (default ['pv']); 'all' keeps every row and records the behaviour. */
  behaviors?: string[] | 'all';
  /** Column mapping for 'delimited' (required) and 'recbole' (optional override). */
  columns?: Columns;
  /** Delimiter for 'delimited' (default: tab if the header has one, else ','). */
  delimiter?: string;
  /** Whether a 'delimited' file has a header line (default true; without one, columns are indices). */
  header?: boolean;
  /** Label used in messages instead of the file name. */
  name?: string;
  /** Called for every skipped line in lenient mode (e.g. console.warn). */
  onWarning?: (message: string) => void;
}

const MAX_EXAMPLES = 5;

class BadLine extends Error {
  constructor(readonly reason: string, readonly detail: string) { super(detail); }
}

function num(s: string, field: string): number {
  const t = s.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) throw new BadLine(`${field} is not a number`, `${field} "${s}" is not a number`);
  return v;
}

function id(s: string | undefined, field: string): string {
  const t = s === undefined ? '' : s.trim();
  if (t === '') throw new BadLine(`${field} id is empty`, `${field} id "" is empty`);
  return t;
}

/**
 * Read interactions from a file path, bytes, text or stream (gzip transparently).
 * @example const ev = await readEvents('ratings.csv.gz'); // MovieLens latest, detected
 * @throws on unreadable sources, an undetectable format, a header missing a needed column,
 *   the first malformed line in strict mode, or when no event at all was read.
 */
export async function readEvents(src: DataSource, opts: ReadOptions = {}): Promise<Events> {
  const name = opts.name ?? sourceName(src);
  const strict = opts.strict ?? false;
  const summary: ReadSummary = { lines: 0, events: 0, skipped: 0, filtered: 0, reasons: {}, examples: [] };
  let format: EventFormat | null = opts.format && opts.format !== 'auto' ? opts.format : null;
  let layout: Layout | null = null;
  let builder: EventsBuilder | null = null;
  let keep: Set<string> | null = null;
  let ordinal = 0; // file order, the time of formats without one

  const setup = (first: string, lineNo: number): boolean => {
    format ??= detectFormat(name, first);
    if (format === null) {
      throw new Error(`readEvents: ${name} line ${lineNo}: cannot detect the format of "${first.slice(0, 80)}"; pass format: 'delimited' with columns: { user, item, time }`);
    }
    if (format === 'taobao') {
      const b = opts.behaviors ?? ['pv'];
      keep = b === 'all' ? null : new Set(b);
    }
    if (format === 'sequence') { builder = new EventsBuilder(false, false, false); return false; }
    let isHeader = false;
    if (format === 'movielens-csv' || format === 'recbole' || (format === 'delimited' && opts.header !== false)) {
      const delim = format === 'movielens-csv' ? ',' : format === 'recbole' ? '\t' : (opts.delimiter ?? (first.includes('\t') ? '\t' : ','));
      const header = splitLine(first, delim);
      const cols: Columns = format === 'movielens-csv' ? { user: 'userId', item: 'movieId', rating: 'rating', time: 'timestamp' }
        : format === 'recbole' ? recboleColumns(header, opts.columns) : requireColumns(opts.columns, name);
      layout = headerLayout(format === 'recbole' ? header.map((h) => h.split(':')[0]) : header, delim, cols, `${name} line ${lineNo}`);
      isHeader = true;
    } else if (format === 'delimited') {
      const cols = requireColumns(opts.columns, name);
      const delim = opts.delimiter ?? (first.includes('\t') ? '\t' : ',');
      const width = first.split(delim).length;
      layout = headerLayout(Array.from({ length: width }, (_, i) => `column${i}`), delim, cols, `${name} line ${lineNo}`);
      layout.header = false;
    } else layout = fixedLayout(format)!;
    builder = new EventsBuilder(layout.rating >= 0, layout.behavior >= 0, layout.category >= 0);
    return isHeader;
  };

  const parse = (line: string): void => {
    const b = builder!;
    if (format === 'sequence') {
      const tok = line.trim().split(/\s+/);
      const user = id(tok[0], 'user');
      if (tok.length < 2) throw new BadLine('line has no items', `user "${user}" has no items (expected user item item ...)`);
      for (let i = 1; i < tok.length; i++) b.push(user, tok[i], ordinal++);
      return;
    }
    const L = layout!;
    const f = splitLine(line, L.delim);
    if (f.length < L.names.length) {
      throw new BadLine('too few fields', `expected ${L.names.length} fields, got ${f.length}`);
    }
    const user = id(f[L.user], L.names[L.user] ?? 'user');
    const item = id(f[L.item], L.names[L.item] ?? 'item');
    const time = L.time >= 0 ? num(f[L.time], L.names[L.time]) : ordinal;
    const rating = L.rating >= 0 ? num(f[L.rating], L.names[L.rating]) : NaN;
    const category = L.category >= 0 ? id(f[L.category], L.names[L.category]) : '';
    let behavior = '';
    if (L.behavior >= 0) {
      behavior = id(f[L.behavior], L.names[L.behavior]);
      if (format === 'taobao' && !/^(pv|buy|cart|fav)$/.test(behavior)) {
        throw new BadLine('unknown behavior', `behavior "${behavior}" is not one of pv, buy, cart, fav`);
      }
      if (keep && !keep.has(behavior)) { summary.filtered++; ordinal++; return; }
    }
    ordinal++;
    b.push(user, item, time, rating, behavior, category);
  };

  await forEachLine(src, (line, lineNo) => {
    if (line.trim() === '') return;
    summary.lines++;
    if (builder === null && setup(line, lineNo)) return;
    try { parse(line); } catch (e) {
      if (!(e instanceof BadLine)) throw e;
      const expected = format === 'sequence' ? 'user item item ...' : layout!.expected;
      const msg = `readEvents: ${name} line ${lineNo}: ${e.detail} (expected ${expected})`;
      if (strict) throw new Error(`${msg}; fix the line or pass strict: false to skip it`);
      summary.skipped++;
      summary.reasons[e.reason] = (summary.reasons[e.reason] ?? 0) + 1;
      if (summary.examples.length < MAX_EXAMPLES) summary.examples.push(msg);
      opts.onWarning?.(msg);
    }
  });
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

function requireColumns(c: Columns | undefined, name: string): Columns {
  if (!c) throw new Error(`readEvents: ${name}: format 'delimited' needs columns: { user, item, time? } (header names or 0-based indices)`);
  return c;
}
