import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/**
 * Screenshots the Agents Playground UI with the Debian Chromium
 * (`apt-get install -y chromium`), optionally typing one message first.
 *
 *   await screenshotPlayground(pg.url, 'out/hello.png', { type: 'hello', waitForText: 'echo: hello' });
 *
 * The UI opens the current user's personal chat; opening it makes the
 * playground send installationUpdate + conversationUpdate to the bot.
 * Text typed here comes from the config's currentUser.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const EDITOR = '[data-lexical-editor="true"]';

export async function screenshotPlayground(
  url: string,
  outFile: string,
  steps: { type?: string; waitForText?: string; timeoutMs?: number } = {},
): Promise<void> {
  // The UI asks the server for its config, and the server first waits (up to 15 s) for the bot endpoint.
  const timeout = steps.timeoutMs ?? 30_000;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
    const editor = page.locator(EDITOR).first();
    await editor.waitFor({ state: 'visible', timeout });
    if (steps.type !== undefined) {
      await editor.click();
      await page.keyboard.type(steps.type);
      await page.keyboard.press('Enter');
    }
    if (steps.waitForText !== undefined) {
      await page.getByText(steps.waitForText).last().waitFor({ state: 'visible', timeout });
    }
    // Let cards and fonts settle before capturing.
    await page.waitForTimeout(500);
    mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
    await page.screenshot({ path: outFile, fullPage: false });
  } finally {
    await browser.close();
  }
}
