// SIGINT / SIGTERM during a long command: the first one asks the work to stop after the current
// step (the command then keeps its best checkpoint, writes its report marked `interrupted` and
// exits 130 / 143); a second one removes the temp files in flight and exits at once. Temp files
// are also removed on any exit.
import { removeTempFiles } from '../io/atomic-write.js';

export interface Interrupt {
  /** Set by the first signal (an AbortSignal-like flag for `Trainer.fitAsync`). */
  readonly aborted: boolean;
  /** The signal received, or null. */
  readonly signal: 'SIGINT' | 'SIGTERM' | null;
  /** Exit code of the signal: 130 (SIGINT) or 143 (SIGTERM). */
  readonly code: number;
  /** Name the work a first signal stops from now on (e.g. 'the test pass after the current batch of users'). */
  doing(what: string): void;
  /** Remove the handlers. */
  dispose(): void;
}

const CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** Install the handlers; `what` names the work in the message (e.g. 'training after the current step'). */
export function onInterrupt(what: string): Interrupt {
  const state = { aborted: false, signal: null as 'SIGINT' | 'SIGTERM' | null };
  const handler = (sig: 'SIGINT' | 'SIGTERM') => {
    if (state.aborted) {
      process.stderr.write(`\nmirec: ${sig} again: stopping now\n`);
      removeTempFiles();
      process.exit(CODES[sig]);
    }
    state.aborted = true;
    state.signal = sig;
    process.stderr.write(`\nmirec: ${sig}: stopping ${what} (the best checkpoint is kept; send it again to stop at once)\n`);
  };
  const onExit = () => removeTempFiles();
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('exit', onExit);
  return {
    get aborted() { return state.aborted; },
    get signal() { return state.signal; },
    get code() { return state.signal ? CODES[state.signal] : 0; },
    doing(now: string) { what = now; },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      process.off('exit', onExit);
    },
  };
}
