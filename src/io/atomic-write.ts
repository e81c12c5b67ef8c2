// Atomic file replacement for checkpoints and reports (Node, Deno and Bun): write a temp file in
// the same folder, flush it, then rename over the target, so a crash mid-save leaves either the
// old file or the new one, never a torn mix. Reached only through `mirec/node` (io/node-host.ts),
// so the main entry stays free of node: modules.
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Write `bytes` to `path` atomically. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(tmp, 'w').catch((e: Error) => {
    throw new Error(`writeFileAtomic: could not write ${path}: ${e.message}`);
  });
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw new Error(`writeFileAtomic: could not write ${path}: ${(e as Error).message}`);
  }
  await handle.close();
  try {
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw new Error(`writeFileAtomic: could not replace ${path}: ${(e as Error).message}`);
  }
}
