import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOT_DIR, startJourneyWorld, type JourneyWorld, type Person } from './support/journey';

/**
 * The message extension in the real Agents Playground web client (headless
 * Chromium), as Priya meets it: "Report an incident" from the compose box's
 * message-extension menu opens the report form in a dialog, a bad summary is
 * shown beside its field with her words kept, and the good report is
 * recorded, its reference said in the dialog and the confirmation sent to
 * her personal chat. "Find by reference" then finds it. The playground reads
 * no manifest, so the command id is typed into its prompt, as its own UI
 * asks. Screenshots at desktop and phone width: journey-extension-*.png.
 */
let world: JourneyWorld;
const JOURNEY = { timeout: 120_000 };

beforeAll(async () => {
  world = await startJourneyWorld(['Priya Shah']);
}, 180_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') console.error(`journey failed: screens and pages saved in ${await world.dump(task.name)}`);
});

afterAll(async () => {
  await world?.close();
});

/** Waits until the bot has answered a message-extension invoke sent after `since` (Person.card then waits for its card to be drawn). */
async function answered(person: Person, since: number, name: string): Promise<void> {
  await expect
    .poll(() => person.client.log.slice(since).some((i) => (i.request?.body as { name?: string } | undefined)?.name === name && !!i.response && i.response.statusCode < 300), {
      timeout: 20_000,
    })
    .toBe(true);
}

/**
 * Screenshots with the dialog open, at desktop and phone width. Person.shoot first closes the playground's log
 * panel, whose button a dialog covers (the playground opens the panel on a message-extension invoke).
 */
async function shootDialog(person: Person, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await person.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-desktop.png`) });
  await person.atPhoneWidth(() => person.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-phone.png`) }));
}

let reference = '';

describe('Priya reports from the compose box\'s message extension', () => {
  it('opens "Report an incident" in a dialog, is shown the summary\'s problem beside it, and gets a reference', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    const page = priya.page;
    let since = priya.client.log.length;
    await page.getByRole('button', { name: 'Trigger Message Extension App' }).click();
    await page.getByRole('menuitem', { name: 'Action Command' }).click();
    await page.getByPlaceholder('Input command id or leave blanks').fill('reportIncident');
    await page.getByRole('button', { name: 'Create' }).click();
    await answered(priya, since, 'composeExtension/fetchTask');
    const form = await priya.card('Report an incident');
    await shootDialog(priya, 'journey-extension-report-form');

    await priya.choose(form, 'Category', 'Criminal damage');
    await priya.fill(form, 'Area or estate', 'Brinnington estate');
    await priya.fill(form, 'Postcode district', 'SK5');
    await priya.fill(form, 'Summary', 'Stones');
    since = priya.client.log.length;
    await form.getByRole('button', { name: 'Submit report' }).click();
    await answered(priya, since, 'composeExtension/submitAction');
    const again = await priya.card('Summary needs at least 10 characters', { anyTime: true });
    await expect.poll(() => again.getByLabel(/^Area or estate/).first().inputValue()).toBe('Brinnington estate');
    await shootDialog(priya, 'journey-extension-report-error');

    await priya.fill(again, 'Summary', 'Group of youths throwing stones at the community centre windows after dark.');
    since = priya.client.log.length;
    await again.getByRole('button', { name: 'Submit report' }).click();
    await answered(priya, since, 'composeExtension/submitAction');
    // The dialog's answer says the reference. (The playground draws a message card given in answer to a dialog's
    // second submission as an empty dialog, so it is read from the bot's answer; Teams draws the card.)
    const answer = JSON.stringify(priya.client.log.slice(since).find((i) => (i.request?.body as { name?: string } | undefined)?.name === 'composeExtension/submitAction')?.response?.body);
    reference = /Recorded: (STO-\d{4}-\d{6})/.exec(answer)![1]!;
    expect(answer).toContain('Nothing was posted to this chat');
    // The confirmation with its buttons is in her personal chat.
    await page.getByRole('button', { name: 'Close' }).first().click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const recorded = await priya.card(new RegExp(`Recorded: ${reference}`), { anyTime: true, timeoutMs: 30_000 });
    expect(await recorded.textContent()).toContain('View details');
    await priya.shoot('journey-extension-report-confirmation', recorded);
  });
});
