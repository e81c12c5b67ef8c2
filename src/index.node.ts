// `mirec` under the `node` export condition (Node, Deno, Bun): the main entry with node:fs
// installed, so file paths work in load/save/readEvents. Same exports as index.ts.
import { installNodeHost } from './io/node-host.js';

installNodeHost();

export * from './index.js';
