// mirec's main entry (browsers, bundlers, Deno/Bun/Node without the file system): the whole API
// of core.ts plus `init()`, which decodes the embedded kernel builds, so no host needs
// configuration. Imports no node: module; file paths need `mirec/node` (see docs/deployment.md).
// New public exports go in core.ts, so every entry point (main, Workers, node) has them.
// New public exports go in core.ts, so every entry point (main, Workers, node) has them.
export * from './core.js';
export { init, embeddedBytes } from './engine/load.js';
