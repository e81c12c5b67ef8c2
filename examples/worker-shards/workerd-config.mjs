// Writes the workerd config of the sharded setup: one router Worker (router.js) with a service
// binding per shard, and one Worker per shard file (shard.js with that file as the data module
// "shard.ivf"), each importing 'mirec' from the package's dist/. Run by hand:
//   node examples/worker-shards/workerd-config.mjs 8787 shards.capnp a.shard-0-of-2.ivf a.shard-1-of-2.ivf
//   npx workerd serve shards.capnp
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerModules } from '../worker-ivf/workerd-config.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const slash = (p) => p.split('\\').join('/');

export function shardsConfig(shardFiles, port, configDir) {
  const shard = (file, s) => `const shard${s} :Workerd.Worker = (
  modules = [
    ${[...workerModules(join(HERE, 'shard.js'), configDir), `(name = "shard.ivf", data = embed ${JSON.stringify(slash(relative(resolve(configDir), resolve(file))))})`].join(',\n    ')}
  ],
  compatibilityDate = "2025-01-01",
);`;
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "router", worker = .router),
    ${shardFiles.map((_, s) => `(name = "shard-${s}", worker = .shard${s})`).join(',\n    ')}
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "router") ],
);
const router :Workerd.Worker = (
  modules = [
    ${workerModules(join(HERE, 'router.js'), configDir).join(',\n    ')}
  ],
  bindings = [
    (name = "SHARDS", text = "${shardFiles.length}"),
    ${shardFiles.map((_, s) => `(name = "SHARD_${s}", service = "shard-${s}")`).join(',\n    ')}
  ],
  compatibilityDate = "2025-01-01",
);
${shardFiles.map(shard).join('\n')}
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [port, out, ...files] = process.argv.slice(2);
  if (!port || !out || files.length < 1) {
    console.error('usage: node examples/worker-shards/workerd-config.mjs PORT OUT.capnp SHARD.ivf [SHARD.ivf ...]');
    process.exit(2);
  }
  writeFileSync(out, shardsConfig(files, Number(port), dirname(resolve(out))));
  console.log(`wrote ${out}: run \`npx workerd serve ${out}\`, then POST http://127.0.0.1:${port}/search`);
}
