// Atomic file replacement for checkpoints and reports (Node, Deno and Bun): write a temp file in
// the same folder, flush it, then rename over the target, so a crash mid-save leaves either the
// old file or the new one, never a torn mix. node:fs is imported lazily so the library still
// loads in browsers and Workers.

/** Write `bytes` to `path` atomically. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
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
