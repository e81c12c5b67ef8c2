// The events collection every reader produces: one row per interaction in compact typed arrays,
// raw ids interned in string tables (users, items, categories, behaviours). Rows keep file order;
// `time` is the timestamp, or for formats without one the position that orders a user's events.

/** Interns strings to dense indices 0..size−1 in first-appearance order. */
export class StringTable {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  /** Index of `s`, adding it when new. */
  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) { i = this.values.length; this.values.push(s); this.index.set(s, i); }
    return i;
  }

  /** Index of `s`, or −1 when absent. */
  get(s: string): number { return this.index.get(s) ?? -1; }

  get size(): number { return this.values.length; }
}

/** What a lenient read skipped, by reason, with the first few messages verbatim. */
export interface ReadSummary {
  /** Non-empty lines seen (header included). */
  lines: number;
  /** Events kept. */
  events: number;
  /** Malformed lines skipped (lenient mode only; strict mode throws instead). */
  skipped: number;
  /** Well-formed lines dropped on purpose (e.g. Taobao behaviours outside the filter). */
  filtered: number;
  /** Skipped lines by reason, e.g. { 'timestamp is not a number': 3 }. */
  reasons: Record<string, number>;
  /** Up to 5 full messages naming file and line. */
  examples: string[];
}

/** Interactions in file order. Indices in `user`/`item`/`category` point into the id tables. */
export interface Events {
  /** Number of events. */
  length: number;
  /** [length] index into `userIds`. */
  user: Int32Array;
  /** [length] index into `itemIds`. */
  item: Int32Array;
  /** [length] timestamp (hasTime) or ordering position (sequence formats, ComiRec index, file order). */
  time: Float64Array;
  /** [length] rating, when the format has one. */
  rating?: Float32Array;
  /** [length] index into `behaviorNames` (Taobao pv/cart/fav/buy). */
  behavior?: Uint8Array;
  /** [length] index into `categoryIds` (Taobao category_id). */
  category?: Int32Array;
  /** Raw user ids by first appearance. */
  userIds: string[];
  /** Raw item ids by first appearance. */
  itemIds: string[];
  categoryIds?: string[];
  behaviorNames?: string[];
  /** True when `time` holds real timestamps rather than positions. */
  hasTime: boolean;
  /** Name of the source (file name or 'bytes'/'text'/'stream'). */
  source: string;
  /** The format that was read (detected or given). */
  format: string;
  summary: ReadSummary;
}

/** Growable typed-array builder for Events. */
export class EventsBuilder {
  length = 0;
  users = new StringTable();
  items = new StringTable();
  categories = new StringTable();
  behaviors = new StringTable();
  private cap = 1024;
  private u = new Int32Array(this.cap);
  private i = new Int32Array(this.cap);
  private t = new Float64Array(this.cap);
  private r: Float32Array | null = null;
  private b: Uint8Array | null = null;
  private c: Int32Array | null = null;

  constructor(readonly withRating: boolean, readonly withBehavior: boolean, readonly withCategory: boolean) {
    if (withRating) this.r = new Float32Array(this.cap);
    if (withBehavior) this.b = new Uint8Array(this.cap);
    if (withCategory) this.c = new Int32Array(this.cap);
  }

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5); // 1.5× keeps the old+new copy during growth small
    const g = <A extends Int32Array | Float64Array | Float32Array | Uint8Array>(a: A): A => {
      const n = new (a.constructor as new (n: number) => A)(cap); n.set(a); return n;
    };
    this.u = g(this.u); this.i = g(this.i); this.t = g(this.t);
    if (this.r) this.r = g(this.r);
    if (this.b) this.b = g(this.b);
    if (this.c) this.c = g(this.c);
    this.cap = cap;
  }

  /** Append one event (rating/behaviour/category ignored when the builder lacks the column). */
  push(user: string, item: string, time: number, rating = NaN, behavior = '', category = ''): void {
    if (this.length === this.cap) this.grow();
    const k = this.length++;
    this.u[k] = this.users.intern(user);
    this.i[k] = this.items.intern(item);
    this.t[k] = time;
    if (this.r) this.r[k] = rating;
    if (this.b) this.b[k] = this.behaviors.intern(behavior);
    if (this.c) this.c[k] = this.categories.intern(category);
  }

  /**
   * Freeze into an Events value. Arrays are views of length n on the growth buffers (no copy:
   * copying would double the peak memory of a large read; the slack is at most the last growth).
   */
  finish(meta: { hasTime: boolean; source: string; format: string; summary: ReadSummary }): Events {
    const n = this.length;
    const ev: Events = {
      length: n,
      user: this.u.subarray(0, n), item: this.i.subarray(0, n), time: this.t.subarray(0, n),
      userIds: this.users.values, itemIds: this.items.values, ...meta,
    };
    if (this.r) ev.rating = this.r.subarray(0, n);
    if (this.b) { ev.behavior = this.b.subarray(0, n); ev.behaviorNames = this.behaviors.values; }
    if (this.c) { ev.category = this.c.subarray(0, n); ev.categoryIds = this.categories.values; }
    return ev;
  }
}

/** One-line human summary of a ReadSummary, e.g. for a CLI. */
export function describeSummary(s: ReadSummary): string {
  const parts = [`${s.events} events from ${s.lines} lines`];
  if (s.filtered) parts.push(`${s.filtered} filtered`);
  if (s.skipped) {
    const why = Object.entries(s.reasons).map(([r, c]) => `${c} × ${r}`).join('; ');
    parts.push(`${s.skipped} malformed lines skipped (${why})`);
  }
  return parts.join(', ');
}
