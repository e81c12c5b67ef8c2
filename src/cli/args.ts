// Command-line parsing on `node:util` parseArgs: one option table per command, kebab-case flags
// with the camelCase spelling as an alias, `--flag`, `--flag=v`, `--flag v`, `--no-flag`, an
// optional JSON `--config` merged under the flags, typed and range-checked values, and unknown
// or inapplicable flags refused with a did-you-mean. Command and table types live in command.ts.
import { readFileSync } from 'node:fs';
import { parseArgs as nodeParseArgs } from 'node:util';
import { closest } from '../engine/check-options.js';
import type { AnyCommand, OptionSpec, OptionTable } from './command.js';

/** Exit code 2: the user asked for something invalid. */
export class UsageError extends Error {}

export { closest };

/** `seqLen` → `seq-len`: the flag spelling of an option key. */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/** Options every command takes (help is answered before anything else is checked). */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h', help: 'print this help and exit' },
  config: { type: 'string', value: 'FILE.json', help: 'the same options as a JSON object (either spelling of a key); flags override it' },
} as const satisfies OptionTable;

export interface ParsedCommandLine {
  /** Option values by key (camelCase), typed by the command's table; flags over --config. */
  options: Record<string, string | number | boolean>;
  positionals: string[];
  help: boolean;
}

/** Every option of a command: its own table plus --help and --config. */
export function optionsOf(cmd: AnyCommand): OptionTable {
  return { ...cmd.options, ...COMMON_OPTIONS };
}

/** flag spelling (kebab, camel alias, short letter) → option key. */
function flagIndex(table: OptionTable): Map<string, string> {
  const m = new Map<string, string>();
  for (const [key, spec] of Object.entries(table)) {
    m.set(kebab(key), key);
    m.set(key, key);
    if (spec.short) m.set(spec.short, key);
  }
  return m;
}

/** The UsageError for a flag this command does not take: a near spelling, or who takes it. */
function unknownFlag(raw: string, name: string, cmd: AnyCommand, all: readonly AnyCommand[]): UsageError {
  const own = [...flagIndex(optionsOf(cmd)).keys()].filter((f) => f.length > 1);
  const takers = all.filter((c) => c !== cmd && flagIndex(c.options).has(name)).map((c) => c.name);
  if (takers.length > 0) {
    return new UsageError(`${raw} does not apply to \`mirec ${cmd.name}\` (it is an option of ${takers.map((t) => `mirec ${t}`).join(', ')}); see mirec ${cmd.name} --help`);
  }
  const near = closest(name, own);
  const flag = near === undefined ? undefined : kebab(flagIndex(optionsOf(cmd)).get(near)!);
  return new UsageError(`unknown option ${raw} for \`mirec ${cmd.name}\`${flag ? ` (did you mean --${flag}?)` : ''}; see mirec ${cmd.name} --help`);
}

/** A raw value (flag text or JSON value) as the option's type, range-checked. */
export function coerce(key: string, spec: OptionSpec, raw: unknown): string | number | boolean {
  const flag = `--${kebab(key)}`;
  if (spec.type === 'boolean') {
    if (raw === true || raw === 'true' || raw === '1') return true;
    if (raw === false || raw === 'false' || raw === '0') return false;
    throw new UsageError(`${flag} expects true or false, got ${JSON.stringify(raw)}`);
  }
  if (spec.type === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n)) throw new UsageError(`${flag} expects a number, got ${JSON.stringify(raw)}`);
    if (spec.integer && !(Number.isInteger(n) && n >= (spec.min ?? -Infinity))) {
      throw new UsageError(`${flag} expects a whole number${spec.min !== undefined ? ` ≥ ${spec.min}` : ''}, got ${n}`);
    }
    if (!spec.integer && spec.min !== undefined && !(n >= spec.min)) throw new UsageError(`${flag} expects a number ≥ ${spec.min}, got ${n}`);
    if (spec.above !== undefined && !(n > spec.above)) throw new UsageError(`${flag} expects a number > ${spec.above}, got ${n}`);
    if (spec.max !== undefined && !(n <= spec.max)) throw new UsageError(`${flag} expects a number ≤ ${spec.max}, got ${n}`);
    return n;
  }
  if (typeof raw !== 'string' || raw === '') throw new UsageError(`${flag} expects a value${spec.value ? ` (${spec.value})` : ''}`);
  if (spec.choices && !spec.choices.includes(raw)) {
    const near = closest(raw, spec.choices);
    throw new UsageError(`${flag} expects ${spec.choices.join(' or ')}, got "${raw}"${near ? ` (did you mean ${near}?)` : ''}`);
  }
  return raw;
}

/** The --config file's object, keys mapped to option keys (either spelling). */
function readConfig(path: string, cmd: AnyCommand): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${path}: ${e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`--config ${path}: expects a JSON object of options`);
  const index = flagIndex(cmd.options);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    const key = index.get(k);
    if (key === undefined || k.length === 1) {
      const near = closest(k, Object.keys(cmd.options));
      throw new UsageError(`--config ${path}: \`mirec ${cmd.name}\` has no option "${k}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    out[key] = v;
  }
  return out;
}

const looksLikeFlag = (v: string) => /^--?[A-Za-z]/.test(v);

/** Parse one command's arguments (everything after the command name). */
export function parseCommandLine(argv: string[], cmd: AnyCommand, all: readonly AnyCommand[] = [cmd]): ParsedCommandLine {
  const table = optionsOf(cmd);
  const index = flagIndex(table);
  // parseArgs tokenizes (long, short, inline values, `--`); the table decides what each token means.
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [flag, key] of index) {
    if (flag.length > 1) config[flag] = { type: table[key].type === 'boolean' ? 'boolean' : 'string', ...(table[key].short && flag === key ? { short: table[key].short } : {}) };
  }
  const { tokens } = nodeParseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && index.get(t.name) === 'help')) return { options: {}, positionals: [], help: true };
  const raw: Record<string, unknown> = {};
  const positionals: string[] = [];
  let pendingBoolean: string | undefined; // a bare boolean flag may take a following true/false
  let terminated = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') { terminated = true; pendingBoolean = undefined; continue; }
    if (t.kind === 'positional') {
      if (!terminated && pendingBoolean !== undefined && /^(true|false)$/.test(t.value)) raw[pendingBoolean] = t.value;
      else if (!terminated && cmd.positionals === undefined) throw new UsageError(`unexpected argument "${t.value}" for \`mirec ${cmd.name}\` (options look like --key value)`);
      else positionals.push(t.value);
      pendingBoolean = undefined;
      continue;
    }
    pendingBoolean = undefined;
    let key = index.get(t.name);
    let value: unknown = t.value;
    if (key === undefined && t.name.startsWith('no-') && table[index.get(t.name.slice(3)) ?? '']?.type === 'boolean') {
      key = index.get(t.name.slice(3))!;
      if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value`);
      value = false;
    }
    if (key === undefined || (t.name.length === 1 && t.rawName.startsWith('--'))) throw unknownFlag(t.rawName, t.name, cmd, all);
    const spec = table[key];
    if (spec.type === 'boolean') {
      if (value === undefined) {
        value = true;
        pendingBoolean = key;
      }
    } else if (value === undefined) {
      throw new UsageError(`${t.rawName} expects a value${spec.value ? ` (${spec.value})` : ''}`);
    } else if (!t.inlineValue && looksLikeFlag(value as string)) {
      throw new UsageError(`${t.rawName} expects a value, got the option ${value} (write ${t.rawName}=${value} if that is the value)`);
    }
    raw[key] = value;
  }
  const fromFile = typeof raw.config === 'string' ? readConfig(raw.config, cmd) : {};
  const options: ParsedCommandLine['options'] = {};
  for (const [k, v] of Object.entries({ ...fromFile, ...raw })) options[k] = coerce(k, table[k], v);
  const max = cmd.positionals?.length ?? 0;
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}" for \`mirec ${cmd.name}\``);
  return { options, positionals, help: false };
}
