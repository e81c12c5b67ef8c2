// One turn of the host's event loop, awaited between steps or batches of long synchronous work so
// that signal handlers and timers run (the CLI's SIGINT/SIGTERM set an abort flag this way).

/** Resolves on the next turn of the event loop (setImmediate where the host has it). */
export const nextTurn = (): Promise<void> => new Promise((r) => {
  const si = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate;
  if (si) si(r); else setTimeout(r, 0);
});
