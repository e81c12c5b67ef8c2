// The `mirec` command: finds the command (registry.ts), parses its flags against its own option
// table (args.ts), answers --help / --version, initialises the engine when the command needs it,
// and maps failures to exit codes: 0 success, 1 runtime failure, 2 usage error.
import { init } from '../engine/load.js';
import { UsageError, closest, parseCommandLine } from './args.js';
import { commandHelp, topHelp } from './help.js';
import { COMMANDS } from './registry.js';
import { LIBRARY_VERSION } from './version.js';
import { installNodeHost } from '../io/node-host.js';

// The CLI reads and writes paths: node:fs is the library's file system here.
installNodeHost();

/** Run `mirec` with argv (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      process.stdout.write(topHelp(COMMANDS) + '\n');
      return 0;
    }
    if (first === '--version' || first === '-V') {
      process.stdout.write(LIBRARY_VERSION + '\n');
      return 0;
    }
    const cmd = COMMANDS.find((c) => c.name === first);
    if (!cmd) {
      if (first.startsWith('-')) throw new UsageError(`options go after the command: mirec <command> ${first} … (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
      const near = closest(first, COMMANDS.map((c) => c.name));
      throw new UsageError(`unknown command "${first}"${near ? ` (did you mean ${near}?)` : ''}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    }
    const parsed = parseCommandLine(rest, cmd, COMMANDS);
    if (parsed.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return 0;
    }
    if (cmd.engine !== false) {
      // Commands with --threads default to the host's cores (capped); the rest run one thread.
      const takesThreads = 'threads' in cmd.options;
      await init(takesThreads ? { threads: (parsed.options.threads as number | undefined) ?? 'auto' } : {});
    }
    const code = await cmd.run(parsed.options, parsed.positionals);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    // Errors of the library and the CLI name the file, flag, field or tensor; a built-in
    // TypeError/RangeError reaching here is a bug, said as such instead of passed off as advice.
    const builtin = e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(builtin ? `mirec: internal error (${(e as Error).name}: ${msg}); please report it with the command line\n` : `mirec: ${msg}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
