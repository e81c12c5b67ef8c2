// Honest exit codes for output errors: a write to stdout or stderr that fails (EPIPE from a closed
// pipe, ENOSPC from a full disk or /dev/full) makes the command exit non-zero instead of
// silently succeeding having written nothing. `watchStdio` records the first such error;
// `settleStdio` waits until everything written has been flushed and folds the error into the
// exit code. A closed pipe (EPIPE: `mirec recommend … | head -1`) is the reader's choice, not a
// fault: the command ends quietly, with no message, and exits 141 as a process killed by SIGPIPE
// would (node ignores SIGPIPE, so the shell would otherwise see the command's own code).

let failure: { stream: string; code: string } | null = null;

/** Record write errors on stdout and stderr (call once, before writing). */
export function watchStdio(): void {
  for (const [stream, name] of [[process.stdout, 'stdout'], [process.stderr, 'stderr']] as const) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      failure ??= { stream: name, code: e.code ?? e.message };
    });
  }
}

const flushed = (s: NodeJS.WriteStream) => new Promise<void>((r) => {
  if (s.destroyed || s.writableEnded) r();
  else s.write('', () => r());
});

/** Exit code of a command whose stdout or stderr reader went away (128 + SIGPIPE). */
export const EXIT_EPIPE = 141;

/** The exit code after flushing stdout and stderr: `code`, or 1 when a write failed (0 → 1), 141 after EPIPE. */
export async function settleStdio(code: number): Promise<number> {
  await Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]), new Promise((r) => setTimeout(r, 2000))]);
  if (!failure) return code;
  if (failure.code === 'EPIPE') return code === 0 ? EXIT_EPIPE : code;
  if (failure.stream === 'stdout' && !process.stderr.destroyed) {
    try {
      process.stderr.write(`mirec: cannot write to stdout (${failure.code}); output lost\n`);
    } catch {
      // stderr is gone too
    }
  }
  return code === 0 ? 1 : code;
}
