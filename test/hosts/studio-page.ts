// Driving the studio page in headless Chromium (playwright-core): a loopback `mirec studio`
// server, the page's controls by id, and what the page reports. Shared by studio.test.ts and
// bench/experiments/studio-steps.ts (the page's steps/s against Node's).
import type { Browser, Page } from 'playwright-core';
import { startStudioServer, type StudioServer } from '../../src/cli/studio-server.js';
import { CHROMIUM } from './hosts.js';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface StudioSession {
  browser: Browser;
  page: Page;
  server: StudioServer;
  /** Every URL the page requested (to check nothing left the loopback server). */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

export async function openStudio(opts: { checkpoint?: string; query?: string; viewport?: { width: number; height: number } } = {}): Promise<StudioSession> {
  const { chromium } = await import('playwright-core');
  const server = await startStudioServer({ port: 0, checkpoint: opts.checkpoint });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1200, height: 900 }, acceptDownloads: true });
  const requests: string[] = [], errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(server.url + (opts.query ?? ''));
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return { browser, page, server, requests, errors };
}

export async function closeStudio(s: StudioSession): Promise<void> {
  await s.browser.close();
  await s.server.close();
}

export async function loadPreset(page: Page, preset: 'tiny' | 'small' | 'medium'): Promise<void> {
  await page.selectOption('#preset', preset);
  await page.click('#load-preset');
  await page.waitForSelector('#data-stats[data-loaded="1"]', { timeout: 60000 });
}

export interface PageTraining { stoppedBy: string; stepsPerSec: number; bestRecall50: number; baselineRecall50: number; status: string }

/** Fill the settings panel, press Train and wait for the end of the fit. */
export async function trainInPage(page: Page, s: { model: string; dim: number; batch: number; seqLen: number; maxSteps: number; evalEvery: number; patience?: number }, timeout = 300000): Promise<PageTraining> {
  await page.selectOption('#model', s.model);
  await page.fill('#dim', String(s.dim));
  await page.fill('#batch', String(s.batch));
  await page.fill('#seq-len', String(s.seqLen));
  await page.fill('#max-steps', String(s.maxSteps));
  await page.fill('#eval-every', String(s.evalEvery));
  await page.fill('#patience', String(s.patience ?? 100));
  await page.click('#train-go');
  await page.waitForSelector('#train-status[data-done]', { timeout });
  const d: Record<string, string | undefined> & { text: string } = await page.$eval('#train-status', (el) => ({ ...(el as HTMLElement).dataset, text: el.textContent ?? '' }));
  return { stoppedBy: d.done!, stepsPerSec: Number(d.stepsPerSec), bestRecall50: Number(d.bestRecall), baselineRecall50: Number(d.baseline), status: d.text };
}

/** The merged list on the page: raw ids and scores. */
export function mergedList(page: Page): Promise<{ item: string; score: number; category?: string }[]> {
  return page.$$eval('#merged li', (lis) => lis.map((li) => {
    const d = (li as HTMLElement).dataset;
    return { item: d.item!, score: Number(d.score), category: d.category };
  }));
}
