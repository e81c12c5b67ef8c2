#!/usr/bin/env node
// The installed `mirec` command: runs the CLI and exits with its code. Kept apart from
// `main.ts` so nothing depends on how the process was started (npx, a bin symlink, node path).
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => process.exit(code));
