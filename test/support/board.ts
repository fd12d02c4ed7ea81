// Shared by the board's browser tests: where screenshots go and how Chromium is started.
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Screenshots of the board's pages, for people to look at (not compared). */
export const SCREENSHOTS = join(process.cwd(), 'test-output', 'board');

/** Debian's Chromium, headless (CHROMIUM_PATH overrides /usr/bin/chromium). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
