// One workerd config for one Worker serving HTTP on 127.0.0.1: the module list is the only thing
// the Worker hosts of the tests differ in (the built-in probe, the shipped example's esbuild
// bundle, the bundle `wrangler deploy --dry-run` wrote). Shaped like wrangler's own config.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A module's kind follows its name, as in wrangler: .js/.mjs are ES modules, .wasm compiled wasm, the rest data. */
function moduleLine(name: string): string {
  const kind = /\.m?js$/.test(name) ? 'esModule' : name.endsWith('.wasm') ? 'wasm' : 'data';
  return `(name = "${name}", ${kind} = embed "${name}")`;
}

/** Write `<dir>/config.capnp` serving the Worker made of `modules` (names relative to dir, the entry first) on 127.0.0.1:port. */
export function writeWorkerdConfig(dir: string, port: number, modules: string[]): string {
  const file = join(dir, 'config.capnp');
  writeFileSync(file, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .main) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const main :Workerd.Worker = (
  modules = [
    ${modules.map(moduleLine).join(',\n    ')},
  ],
  compatibilityDate = "2025-01-01",
);
`);
  return file;
}
