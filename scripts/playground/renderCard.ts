/**
 * Renders one Adaptive Card JSON file in the real Agents Playground and
 * screenshots it at phone width, measuring its height: for cards no longer
 * in the product, such as the report form before its phone redesign
 * (docs/cards.md "The report form on a phone, before and after").
 *
 *   npx tsx scripts/playground/renderCard.ts card.json docs/screenshots/report-form-before-phone.png
 *
 * A stand-in bot answers any message in the personal chat with the card,
 * through the playground's own connector (its serviceUrl), so the card is
 * drawn by the same client and renderer as the journeys' cards. The picture
 * is the whole card (taller than a phone screen if it is).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureChromium } from './ensureChromium';
import { CARD, fitCardsToViewport } from './phoneWidth';
import { CHROMIUM_ARGS } from './screenshot';
import { startPlayground } from './start';

const PHONE = { width: 360, height: 740 };
const EDITOR = '[data-lexical-editor="true"]';

export async function renderCardAtPhoneWidth(card: object, outFile: string): Promise<{ width: number; height: number }> {
  const bot = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const a = JSON.parse(body || '{}') as { type?: string; id?: string; serviceUrl?: string; conversation?: { id: string }; from?: object; recipient?: object };
      if (a.type !== 'message' || !a.serviceUrl || !a.conversation) return;
      const reply = { type: 'message', from: a.recipient, recipient: a.from, conversation: a.conversation, replyToId: a.id, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
      void fetch(`${a.serviceUrl.replace(/\/$/, '')}/v3/conversations/${encodeURIComponent(a.conversation.id)}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(reply),
      });
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
  const port = (bot.address() as { port: number }).port;
  const pg = await startPlayground({ botEndpoint: `http://127.0.0.1:${port}/api/messages`, port: 0, logDir: mkdtempSync(path.join(os.tmpdir(), 'render-card-')), startTimeoutMs: 60_000 });
  const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(pg.url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const editor = page.locator(EDITOR).first();
    await editor.waitFor({ state: 'visible', timeout: 60_000 });
    await editor.click();
    await page.keyboard.type('show the card');
    await page.keyboard.press('Enter');
    const rendered = page.locator(CARD).last();
    await rendered.waitFor({ state: 'visible', timeout: 30_000 });
    await page.setViewportSize(PHONE);
    await fitCardsToViewport(page);
    await page.waitForTimeout(300);
    const box = await rendered.boundingBox();
    if (!box) throw new Error('the card was not drawn');
    // The chat scrolls inside a fixed pane: a screen as tall as the card shows all of it at once (same width).
    await page.setViewportSize({ width: PHONE.width, height: Math.ceil(box.height) + 400 });
    await fitCardsToViewport(page);
    await rendered.evaluate((el: { scrollIntoView(o: { block: 'start' }): void }) => el.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(300);
    await rendered.screenshot({ path: outFile });
    return { width: Math.round(box.width), height: Math.round(box.height) };
  } finally {
    await browser.close();
    await pg.stop();
    bot.close();
  }
}

if (require.main === module) {
  const [cardFile, outFile] = process.argv.slice(2);
  if (!cardFile || !outFile) {
    console.error('usage: npx tsx scripts/playground/renderCard.ts <card.json> <out.png>');
    process.exit(2);
  }
  renderCardAtPhoneWidth(JSON.parse(readFileSync(cardFile, 'utf8')) as object, outFile).then(
    (size) => console.log(`${outFile}: card ${size.width} x ${size.height} px at ${PHONE.width} px wide`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
