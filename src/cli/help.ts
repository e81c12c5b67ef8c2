// Help text built from the command registry and each command's option table, so help, parsing
// and docs/cli.md describe the same flags: `mirec --help` (commands) and `mirec CMD --help`.
import { kebab, optionsOf } from './args.js';
import type { AnyCommand, OptionSpec } from './command.js';
import { LIBRARY_VERSION } from './version.js';

export const EXIT_CODES = 'Exit codes: 0 success, 1 runtime failure (bad data, I/O), 2 usage error (unknown command or flag, bad value).';
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
