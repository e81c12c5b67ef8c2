// Runs the shipped Worker example (examples/worker) in workerd the way wrangler would: esbuild
// bundles src/index.ts with the `workerd`/`worker`/`browser` conditions (so `mirec` is its
// Workers entry), keeps the .wasm and .safetensors imports as modules (wrangler's CompiledWasm
// default and the Data rule of wrangler.toml), and a workerd config names the bundle, the kernel
// module and the checkpoint. Used by serving.test.ts (repository) and package.test.ts (tarball).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { writeWorkerdConfig } from './workerd-config.js';

export interface WorkerBundle {
  /** The bundled Worker (bytes of worker.js). */
  bytes: number;
  /** Where worker.js, mirec-simd.wasm, model.safetensors and config.capnp were written. */
  dir: string;
}

/** Bundle `<workerDir>/src/index.ts` into `out` with the checkpoint and kernel module beside it. */
export async function bundleWorker(workerDir: string, checkpoint: string, out: string, port: number): Promise<WorkerBundle> {
  const wasm: string[] = [];
  const r = await esbuild.build({
    entryPoints: [join(workerDir, 'src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    outfile: join(out, 'worker.js'),
    logLevel: 'silent',
    plugins: [{
      name: 'modules',
      setup(build) {
        // .wasm → a CompiledWasm module, .safetensors → a Data module: both stay imports.
        build.onResolve({ filter: /\.(wasm|safetensors)$/ }, (args) => {
          const name = args.path.split('/').pop()!;
          if (name.endsWith('.wasm')) wasm.push(join(args.resolveDir, args.path));
          return { path: `./${name}`, external: true };
        });
      },
    }],
  });
  if (r.errors.length || r.warnings.length) throw new Error(`esbuild: ${JSON.stringify([...r.errors, ...r.warnings].map((m) => m.text))}`);
  if (wasm.length !== 1) throw new Error(`the Worker imports ${wasm.length} .wasm modules, expected the SIMD kernels once`);
  copyFileSync(wasm[0], join(out, 'mirec-simd.wasm'));
  copyFileSync(checkpoint, join(out, 'model.safetensors'));
  writeWorkerdConfig(out, port, ['worker.js', 'mirec-simd.wasm', 'model.safetensors']);
  return { bytes: readFileSync(join(out, 'worker.js')).length, dir: out };
}

/** Start workerd on a written config; resolves once the socket answers at all. */
export async function startWorkerdConfig(workerd: string, config: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(workerd, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill();
    });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  child.stdout!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`workerd exited ${child.exitCode}: ${log}`);
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      return { url, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`workerd did not listen within 20 s: ${log}`);
}
