// Entry of the probe for Node, Deno and Bun: prints the probe's JSON on one line.
import { probe } from './probe.mjs';

console.log(JSON.stringify(await probe()));
