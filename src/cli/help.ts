// Help text built from the command registry and each command's option table, so help, parsing
// and docs/cli.md describe the same flags: `mirec --help` (commands) and `mirec CMD --help`.
import { kebab, optionsOf } from './args.js';
import type { AnyCommand, OptionSpec } from './command.js';
import { LIBRARY_VERSION } from './version.js';

/**
 * The exit codes, as help prints them and docs/cli.md tabulates them (a test compares the two and
 * runs each case). An input named by a flag that cannot be used (missing, unreadable, malformed)
 * is a usage error: the fix is on the command line, before any work is done.
 */
export const EXIT_CODE_TABLE: readonly { code: number; short: string; meaning: string }[] = [
  { code: 0, short: 'success', meaning: 'success (also `--help`, `--version`)' },
  { code: 1, short: 'runtime failure (download, diverged run, write error)', meaning: 'runtime failure while working: a failed download or hash check, a diverged training run, an error writing stdout, stderr or an output file (ENOSPC, EIO)' },
  { code: 2, short: 'usage error (bad command, flag or value; an input file that is missing, unreadable or malformed)', meaning: 'usage error: unknown command or flag, a flag of another command, a bad value, a missing required flag, an input named by a flag (data file, checkpoint, categories file) that is missing, unreadable or malformed' },
  { code: 130, short: 'interrupted by SIGINT (143: SIGTERM)', meaning: 'interrupted by SIGINT (143: SIGTERM): training stops after the current step (the test pass after the current batch of users), keeps the best checkpoint and writes its report marked interrupted' },
  { code: 141, short: 'stdout or stderr closed early (piped to head)', meaning: 'the reader of stdout or stderr went away (a closed pipe, e.g. the output piped to `head -1`); the command ends quietly, as one killed by SIGPIPE' },
];

export const EXIT_CODES = ['Exit codes:', ...EXIT_CODE_TABLE.map((e) => `  ${String(e.code).padEnd(5)}${e.short}`)].join('\n');
const DOCS = 'Reference: docs/cli.md (every command and flag), docs/model-guide.md (models and settings), docs/protocols.md (protocols and metrics).';

export function topHelp(commands: readonly AnyCommand[]): string {
  const w = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `mirec ${LIBRARY_VERSION} — multi-interest recommendation on WebAssembly SIMD`,
    '',
    'Usage: mirec <command> [options]',
    '       mirec <command> --help     the options of one command',
    '       mirec --version',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    '',
    'Examples:',
    '  mirec demo --quick',
    '  mirec train --data ratings.csv --model comirec-sa --out model.safetensors',
    '  mirec recommend --checkpoint model.safetensors --history 1,2,3 --top-n 10',
    '',
    'Flags are kebab-case (--seq-len); the camelCase spelling (--seqLen) is accepted too.',
    EXIT_CODES,
    DOCS,
  ].join('\n');
}

function flagLabel(key: string, spec: OptionSpec): string {
  const value = spec.type === 'boolean' ? '' : ` ${spec.value ?? (spec.type === 'number' ? 'N' : 'VALUE')}`;
  return `${spec.short ? `-${spec.short}, ` : ''}--${kebab(key)}${value}`;
}

function flagHelp(key: string, spec: OptionSpec): string {
  const parts = [spec.help];
  if (spec.choices && !spec.help.includes(spec.choices[0])) parts.push(`(${spec.choices.join(' | ')})`);
  if (spec.default !== undefined) parts.push(`[default ${spec.default}]`);
  if (kebab(key) !== key) parts.push(`(alias --${key})`);
  return parts.join(' ');
}

export function commandHelp(cmd: AnyCommand): string {
  const table = optionsOf(cmd);
  const labels = Object.entries(table).map(([k, s]) => [flagLabel(k, s), flagHelp(k, s)] as const);
  const w = Math.min(30, Math.max(...labels.map(([l]) => l.length)) + 2);
  const lines = labels.map(([l, h]) => (l.length + 2 > w ? `  ${l}\n  ${''.padEnd(w)}${h}` : `  ${l.padEnd(w)}${h}`));
  return [
    `mirec ${cmd.name} — ${cmd.summary}`,
    '',
    `Usage: mirec ${cmd.name} ${cmd.usage}`,
    ...(cmd.positionals?.length ? ['', 'Arguments:', ...cmd.positionals.map((p) => `  ${p.name.padEnd(w)}${p.help}`)] : []),
    '',
    'Options:',
    ...lines,
    ...(cmd.details ? ['', cmd.details] : []),
    '',
    EXIT_CODES,
    'Reference: docs/cli.md.',
  ].join('\n');
}
