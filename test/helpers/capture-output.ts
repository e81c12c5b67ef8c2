// What a CLI command printed: runs `fn` with process.stdout/stderr writes collected instead of
// printed, and returns its result (the exit code for `main`) with the two texts. Shared by the
// tests under test/cli that call the CLI in-process.
export async function capture<T>(fn: () => Promise<T>): Promise<{ code: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [o, e] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(), out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
