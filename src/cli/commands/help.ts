// `mirec help [COMMAND]`: the command list, or one command's options (same as `--help`). Built
// by registry.ts with the list it belongs to (so this file does not import the registry).
import { UsageError, closest } from '../args.js';
import { defineCommand, type AnyCommand } from '../command.js';
import { commandHelp, topHelp } from '../help.js';

export function helpCommand(commands: () => readonly AnyCommand[]) {
  return defineCommand({
    name: 'help',
    summary: 'this list, or one command\'s options (mirec help train)',
    usage: '[COMMAND]',
    options: {},
    positionals: [{ name: 'COMMAND', help: 'the command to describe' }],
    engine: false,
    async run(_o, [name]) {
      const all = commands();
      if (name === undefined) {
        process.stdout.write(topHelp(all) + '\n');
        return;
      }
      const cmd = all.find((c) => c.name === name);
      if (!cmd) {
        const near = closest(name, all.map((c) => c.name));
        throw new UsageError(`unknown command "${name}"${near ? ` (did you mean ${near}?)` : ''}`);
      }
      process.stdout.write(commandHelp(cmd) + '\n');
    },
  });
}
