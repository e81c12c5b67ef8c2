// Writes the workerd config (capnp text) of the partitioned-index Worker: worker.js plus every
// .js/.wasm file of the package's dist/ (the module named "mirec" is dist/index.workerd.js, the
// others keep their dist-relative names so its relative imports resolve), INDEX_URL, CACHE_MB
// (and any of MAX_QUERY_MB, FETCH_CONCURRENCY) as text bindings, and outbound fetch allowed to
// loopback (where the test serves the index).
//   node examples/worker-ivf/workerd-config.mjs http://127.0.0.1:9000/catalogue.ivf 8787 ivf.capnp 32
//   npx workerd serve ivf.capnp
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(HERE, '..', '..', 'dist');
const slash = (p) => p.split('\\').join('/');
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]));

/** Modules of a Worker script `main` (named "worker.js") importing 'mirec'. */
export function workerModules(main, configDir) {
  const mod = (name, kind, file) => `(name = ${JSON.stringify(name)}, ${kind} = embed ${JSON.stringify(slash(relative(resolve(configDir), file)))})`;
  return [
    mod('worker.js', 'esModule', main),
    ...files(DIST).filter((f) => f.endsWith('.js') || f.endsWith('.wasm')).sort().map((f) => {
      const name = slash(relative(DIST, f));
      return mod(name === 'index.workerd.js' ? 'mirec' : name, f.endsWith('.wasm') ? 'wasm' : 'esModule', f);
    }),
  ];
}

/** `vars`: more text bindings, e.g. { MAX_QUERY_MB: '64', FETCH_CONCURRENCY: '4' }. */
export function workerdConfig(indexUrl, port, configDir, cacheMb = 32, vars = {}) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .ivf),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const ivf :Workerd.Worker = (
  modules = [
    ${workerModules(join(HERE, 'worker.js'), configDir).join(',\n    ')}
  ],
  bindings = [
    (name = "INDEX_URL", text = ${JSON.stringify(indexUrl)}),
    (name = "CACHE_MB", text = "${cacheMb}"),${Object.entries(vars).map(([k, v]) => `\n    (name = ${JSON.stringify(k)}, text = ${JSON.stringify(String(v))}),`).join('')}
  ],
  globalOutbound = "net",
  compatibilityDate = "2025-01-01",
);
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [url, port = '8787', out = 'ivf.capnp', cache = '32'] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node examples/worker-ivf/workerd-config.mjs INDEX_URL [PORT=8787] [OUT=ivf.capnp] [CACHE_MB=32]');
    process.exit(2);
  }
  writeFileSync(out, workerdConfig(url, Number(port), dirname(resolve(out)), Number(cache)));
  console.log(`wrote ${out}: run \`npx workerd serve ${out}\``);
}
