// What a `mirec` command is: a name, a one-line summary, an option table (keys in camelCase; the
// flag is the kebab-case spelling, the key itself an accepted alias) and a run function that gets
// the parsed values typed by that table. A new command is one file in commands/ plus one line
// in registry.ts.

/** One option of a command's table. */
export interface OptionSpec {
  type: 'string' | 'number' | 'boolean';
  /** One line for --help and docs/cli.md. */
  help: string;
  /** Placeholder shown in help (FILE, N, NAME). */
  value?: string;
  /** One-letter alias (`-h`). */
  short?: string;
  /** Allowed values of a string option. */
  choices?: readonly string[];
  /** Number options: whole numbers only. */
  integer?: boolean;
  /** Number options: smallest allowed value. */
  min?: number;
  /** Number options: largest allowed value. */
  max?: number;
  /** Number options: values must be strictly greater. */
  above?: number;
  /** Default as shown in help (the run function applies it). */
  default?: string;
}

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'number' ? number : S['type'] extends 'boolean' ? boolean : S extends { choices: readonly (infer C)[] } ? C : string;

/** Parsed values of a table: every option optional, typed by its spec. */
export type OptionValues<T extends OptionTable> = { [K in keyof T]?: ValueOf<T[K]> };

export interface Command<T extends OptionTable = OptionTable> {
  name: string;
  /** One line for `mirec --help`. */
  summary: string;
  /** Usage line(s) after `mirec NAME`, e.g. `--data FILE [options]`. */
  usage: string;
  options: T;
  /** Positional arguments the command takes (none when absent: a stray word is an error). */
  positionals?: readonly { name: string; help: string }[];
  /** More help text (examples, notes), printed after the options. */
  details?: string;
  /** False for commands that never touch the WebAssembly engine (it is initialised otherwise). */
  engine?: boolean;
  /** Do the work; a returned number is the exit code (default 0). */
  run(options: OptionValues<T>, positionals: string[]): Promise<void | number>;
}

// Commands are stored together whatever their tables; each run was typed where it was defined.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any>;

/** A command with its option values typed by its table. */
export function defineCommand<const T extends OptionTable>(c: Command<T>): Command<T> {
  return c;
}
