// Progress output: a live one-line bar (steps/s, loss, ETA, validation recall) on a TTY and plain
// lines otherwise; optional JSONL log of every progress event.
import { appendFileSync } from 'node:fs';
import type { TrainProgress } from '../train/trainer.js';

export function progressPrinter(label: string, logFile?: string): (p: TrainProgress) => void {
  const tty = !!process.stderr.isTTY;
  let lastPlain = 0;
  return (p) => {
    if (logFile) appendFileSync(logFile, JSON.stringify({ model: label, ...p, time: new Date().toISOString() }) + '\n');
    const eta = p.etaSec;
    const val = p.valRecall50 !== undefined ? ` val R@50 ${p.valRecall50.toFixed(4)} (best ${p.bestRecall50.toFixed(4)} @${p.bestStep})` : '';
    // With the default cap (10⁶) early stopping decides the end, so an ETA would only mislead.
    const bounded = p.maxSteps < 1e6;
    const line = `${label} step ${p.step}${bounded ? `/${p.maxSteps}` : ''} loss ${p.loss.toFixed(4)} ${p.stepsPerSec.toFixed(1)} steps/s ${bounded ? `ETA ≤ ${formatTime(eta)}` : 'until early stopping'}${val}`;
    if (tty) {
      const width = 20;
      const done = bounded ? Math.round((p.step / p.maxSteps) * width) : p.step % (width + 1);
      process.stderr.write(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${line}\x1b[K${p.valRecall50 !== undefined ? '\n' : ''}`);
    } else if (p.valRecall50 !== undefined || p.step - lastPlain >= 500) {
      lastPlain = p.step;
      process.stderr.write(line + '\n');
    }
  };
}

function formatTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}

/**
 * Progress of a test pass (`onBatch` of evaluateRetrievalAsync): a live line on a TTY, else a
 * plain line at every further tenth of the users, with the time left at the rate so far.
 */
export function testProgress(): (done: number, total: number) => void {
  const tty = !!process.stderr.isTTY;
  const t0 = Date.now();
  let tenths = 0;
  return (done, total) => {
    const seconds = (Date.now() - t0) / 1000;
    const line = `mirec: test pass ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} users (${Math.floor((100 * done) / total)} %), ${formatTime((seconds * (total - done)) / done)} left`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
    else if (Math.floor((10 * done) / total) > tenths) {
      tenths = Math.floor((10 * done) / total);
      process.stderr.write(line + '\n');
    }
  };
}
