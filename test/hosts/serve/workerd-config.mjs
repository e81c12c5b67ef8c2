// Writes the workerd config (capnp text) of the recommendation Worker: worker.mjs, handler.mjs,
// every .js/.wasm file of dist/ (the `workerd` entry imports the wasm as a module) and the
// checkpoint as the data module `test/hosts/serve/model.safetensors`, all named as in the
// repository so the Worker's relative imports resolve (workerd reads `embed` paths relative to
// the config file, so the config records where it will live). Used by the serving test and
// runnable by hand:
//   node test/hosts/serve/workerd-config.mjs model.safetensors 8787 mirec.capnp
//   npx workerd serve mirec.capnp
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

const slash = (p) => p.split('\\').join('/');

/** The config text for a checkpoint, to be saved in `configDir`, listening on 127.0.0.1:port. */
export function workerdConfig(checkpoint, port, configDir) {
  const module = (file, kind, name = slash(relative(ROOT, file))) =>
    `(name = ${JSON.stringify(name)}, ${kind} = embed ${JSON.stringify(slash(relative(resolve(configDir), file)))})`;
  const serve = join(ROOT, 'test/hosts/serve');
  const modules = [
    module(join(serve, 'worker.mjs'), 'esModule'),
    module(join(serve, 'handler.mjs'), 'esModule'),
    module(resolve(checkpoint), 'data', 'test/hosts/serve/model.safetensors'),
    ...listFiles(join(ROOT, 'dist'))
      .filter((f) => f.endsWith('.js') || f.endsWith('.wasm'))
      .sort()
      .map((f) => module(f, f.endsWith('.wasm') ? 'wasm' : 'esModule')),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .recommend) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const recommend :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "2025-01-01",
);
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [checkpoint, port = process.env.PORT ?? '8787', out = 'mirec.capnp'] = process.argv.slice(2);
  if (!checkpoint || !/^\d+$/.test(port)) {
    console.error('usage: node test/hosts/serve/workerd-config.mjs CHECKPOINT [PORT=8787] [OUT=mirec.capnp]');
    process.exit(2);
  }
  writeFileSync(out, workerdConfig(checkpoint, Number(port), dirname(resolve(out))));
  console.log(`wrote ${out}: run \`npx workerd serve ${out}\`, then GET http://127.0.0.1:${port}/recommend?history=ID,ID,...`);
}
