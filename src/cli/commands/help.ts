// `mirec help [COMMAND]`: the command list, or one command's options (same as `--help`).
import { UsageError, closest } from '../args.js';
import { defineCommand } from '../command.js';
import { commandHelp, topHelp } from '../help.js';

export const help = defineCommand({
  name: 'help',
  summary: 'this list, or one command\'s options (mirec help train)',
  usage: '[COMMAND]',
  options: {},
  positionals: [{ name: 'COMMAND', help: 'the command to describe' }],
  engine: false,
  async run(_o, [name]) {
    // Imported late: the registry imports this file.
    const { COMMANDS } = await import('../registry.js');
    if (name === undefined) {
      process.stdout.write(topHelp(COMMANDS) + '\n');
      return;
    }
    const cmd = COMMANDS.find((c) => c.name === name);
    if (!cmd) {
      const near = closest(name, COMMANDS.map((c) => c.name));
      throw new UsageError(`unknown command "${name}"${near ? ` (did you mean ${near}?)` : ''}`);
    }
    process.stdout.write(commandHelp(cmd) + '\n');
  },
});
