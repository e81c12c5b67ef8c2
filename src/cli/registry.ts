// Every `mirec` command, in the order `mirec --help` lists them. Adding a command: write
// commands/NAME.ts exporting defineCommand({ name, summary, usage, options, run }) and list it
// here (one import line and one entry line each, so parallel additions merge cleanly).
import type { AnyCommand } from './command.js';
import { demo } from './commands/demo.js';
import { train } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { recommend } from './commands/recommend.js';
import { indexCommand } from './commands/index-build.js';
import { embedUsers } from './commands/embed-users.js';
import { trainTags } from './commands/train-tags.js';
import { profile } from './commands/profile.js';
import { studio } from './commands/studio.js';
import { data } from './commands/data.js';
import { helpCommand } from './commands/help.js';
import { synth } from './commands/synth.js';

export const COMMANDS: readonly AnyCommand[] = [
  demo,
  train,
  evalCommand,
  recommend,
  indexCommand,
  embedUsers,
  trainTags,
  profile,
  studio,
  data,
  synth,
  helpCommand(() => COMMANDS),
];
