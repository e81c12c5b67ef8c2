// Entry for Node, Deno and Bun: prints the threaded probe's JSON result on one line.
// First argument: the thread count (default 1).
import * as mirec from '../../dist/node.js';
import { threadChecksum } from './thread-checksum.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
console.log(JSON.stringify(await threadChecksum(mirec, { threads: Number(args[0] ?? 1) })));
