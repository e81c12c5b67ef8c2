#!/usr/bin/env node
// The installed `mirec` command: runs the CLI and exits with its code, made non-zero when
// stdout or stderr could not be written (EPIPE, ENOSPC). Kept apart from `main.ts` so nothing
// depends on how the process was started (npx, a bin symlink, node path).
import { main } from './main.js';
import { settleStdio, watchStdio } from './stdio.js';

watchStdio();
main(process.argv.slice(2)).then(settleStdio).then((code) => process.exit(code));
