// Command-line parsing: `mirec <command> [--key value | --flag]...`, merged over an optional JSON
// `--config` file; unknown options are errors with a did-you-mean hint; values are typed by the
// option table.
import { readFileSync } from 'node:fs';

export type OptionType = 'string' | 'number' | 'boolean';

export interface ParsedArgs {
  command: string;
  options: Record<string, string | number | boolean>;
}

/** Exit code 2: the user asked for something invalid. */
export class UsageError extends Error {}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The candidate nearest to `word` within edit distance 2 (a did-you-mean hint), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const near = [...candidates].sort((x, y) => distance(word, x) - distance(word, y))[0];
  return near !== undefined && distance(word, near) <= Math.max(2, Math.floor(word.length / 4)) ? near : undefined;
}

function coerce(key: string, raw: unknown, type: OptionType): string | number | boolean {
  if (type === 'boolean') {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new UsageError(`--${key} expects true or false, got "${raw}"`);
  }
  if (type === 'number') {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (raw === '' || raw === true || !Number.isFinite(n)) throw new UsageError(`--${key} expects a number, got "${raw}"`);
    return n;
  }
  if (typeof raw !== 'string' || raw === '') throw new UsageError(`--${key} expects a value`);
  return raw;
}

/** Parse argv (without node and script) against an option table. */
export function parseArgs(argv: string[], table: Record<string, OptionType>): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}" (options look like --key value)`);
    const eq = a.indexOf('=');
    const key = a.slice(2, eq > 0 ? eq : undefined);
    if (!(key in table)) {
      const near = closest(key, Object.keys(table));
      throw new UsageError(`unknown option --${key}${near ? ` (did you mean --${near}?)` : ''}`);
    }
    if (eq > 0) raw[key] = a.slice(eq + 1);
    else if (table[key] === 'boolean' && (i + 1 >= rest.length || rest[i + 1].startsWith('--'))) raw[key] = true;
    else if (i + 1 < rest.length) raw[key] = rest[++i];
    else throw new UsageError(`--${key} expects a value`);
  }
  const fromFile: Record<string, unknown> = {};
  if (typeof raw.config === 'string') {
    let text: string;
    try {
      text = readFileSync(raw.config, 'utf8');
    } catch (e) {
      throw new UsageError(`--config ${raw.config}: ${(e as Error).message}`);
    }
    try {
      Object.assign(fromFile, JSON.parse(text));
    } catch (e) {
      throw new UsageError(`--config ${raw.config}: not valid JSON (${(e as Error).message})`);
    }
    for (const k of Object.keys(fromFile)) if (!(k in table)) throw new UsageError(`--config ${raw.config}: unknown key "${k}"`);
  }
  const options: ParsedArgs['options'] = {};
  for (const [k, v] of Object.entries({ ...fromFile, ...raw })) options[k] = coerce(k, v, table[k]);
  return { command, options };
}
