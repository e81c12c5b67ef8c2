// Entry for Node, Deno and Bun: prints the probe's JSON result on one line.
// Optional first argument: a backend to force ('wasm', 'js').
import * as mirec from '../../dist/index.js';
import { stepChecksum } from './step-checksum.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
console.log(JSON.stringify(await stepChecksum(mirec, args[0] ? { backend: args[0] } : {})));
