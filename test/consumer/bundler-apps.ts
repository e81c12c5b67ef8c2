// Files the consumer test's bundler checks build from: the probe as a Vite app (index.html and a
// module script, no config), and a workerd config serving the modules `wrangler deploy --dry-run`
// wrote (its bundle, its hashed .wasm and .safetensors module names).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWorkerdConfig } from '../hosts/workerd-config.js';

/** `<project>/vite-app`: the browser probe (browser-probe.mjs, probe.mjs) behind an index.html. */
export function viteApp(project: string): string {
  const app = join(project, 'vite-app');
  mkdirSync(app, { recursive: true });
  for (const f of ['browser-probe.mjs', 'probe.mjs']) copyFileSync(join(project, f), join(app, f));
  writeFileSync(join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><pre id="result"></pre><script type="module" src="./browser-probe.mjs"></script>\n');
  return app;
}

/** Write `<out>/config.capnp`: workerd serving wrangler's index.js with its wasm and data modules on 127.0.0.1:port. */
export function wranglerWorkerdConfig(out: string, port: number, wasm: string, data: string): string {
  return writeWorkerdConfig(out, port, ['index.js', wasm, data]);
}
