import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ROUTES } from '../bot/commands';
import { startJourneyWorld, type JourneyWorld } from './support/journey';

/**
 * Journeys through Concordat as its people meet it: the real Agents
 * Playground web client in headless Chromium, one browser tab per demo
 * person, every button clicked on the rendered card (a card that works only
 * with a hand-built activity fails here). Screenshots at desktop and phone
 * width go to docs/screenshots/journey-*.png.
 *
 * The describes run in order and build on each other, like a shift at the
 * partnership: Dan sets the channel up, Priya reports, Tom schedules, Helen
 * alerts, Aisha acknowledges.
 */
let world: JourneyWorld;
const JOURNEY = { timeout: 90_000 };
/** A phone screen's height for a card, in CSS px (a 360 x 740 screen less Teams' header and compose box). */
const PHONE_SCREEN_PX = 740;

beforeAll(async () => {
  world = await startJourneyWorld(['Priya Shah', 'Tom Bradley', 'Helen Okafor', 'Dan Whitworth']);
}, 180_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') console.error(`journey failed: screens and pages saved in ${await world.dump(task.name)}`);
});

afterAll(async () => {
  await world?.close();
});

describe('Dan Whitworth, council admin, points a channel at Stockport', () => {
  it('@mentions Concordat in the channel, picks the borough and saves', JOURNEY, async () => {
    const dan = world.person('Dan Whitworth');
    await dan.open('Stockport Priorities and Alerts');
    await dan.say('channel settings', { mention: true });
    const settings = await dan.card('Post priorities and alerts for these boroughs');
    await dan.tick(settings, 'Stockport');
    await dan.click(settings, 'Save');
    const saved = await dan.card(/Stockport/);
    await dan.shoot('journey-channel-settings', saved);
    expect(await saved.textContent()).toMatch(/saved|Stockport/i);
  });
});

describe('Priya Shah, housing officer at Stockport Homes, reports an incident', () => {
  let reference = '';

  it('opens the form from help, is shown what is wrong beside the field with her words kept, and gets a reference', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('help');
    const help = await priya.card('You can:');
    await priya.click(help, 'Report incident');
    const form = await priya.card('Report an incident');
    await priya.shoot('journey-report-form', form);
    // On a phone the report is one screen: four fields, the rest folded with their defaults stated.
    // (The form that showed every field was 2,323 px tall here, at 280 px wide: more than three screens.)
    const { height } = await priya.cardSizeAtPhoneWidth(form);
    expect(height).toBeLessThan(PHONE_SCREEN_PX);
    priya.taps = 0;
    await priya.choose(form, 'Category', 'Criminal damage');
    await priya.fill(form, 'Area or estate', 'Brinnington estate');
    await priya.fill(form, 'Postcode district', 'SK5');
    await priya.fill(form, 'Summary', 'Stones');
    await priya.click(form, 'Submit report');
    const again = await priya.card('Report an incident');
    expect(await again.textContent()).toMatch(/Summary needs at least 10 characters/);
    await expect.poll(() => again.getByLabel(/^Area or estate/).first().inputValue()).toBe('Brinnington estate');
    await priya.shoot('journey-report-form-error', again.getByText(/Summary needs at least/).first());
    await priya.fill(again, 'Summary', 'Group of youths throwing stones at the community centre windows after dark.');
    await priya.click(again, 'Submit report');
    const recorded = await priya.card(/Recorded: STO-/);
    reference = /STO-\d{4}-\d{6}/.exec((await recorded.textContent()) ?? '')![0];
    await priya.shoot('journey-report-recorded', recorded);
  });

  it('reports again from the same estate in four taps: her last place and sharing are remembered', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('report');
    const form = await priya.card('Report an incident');
    await expect.poll(() => form.getByLabel(/^Area or estate/).first().inputValue()).toBe('Brinnington estate');
    await expect.poll(() => form.getByLabel(/^Postcode district/).first().inputValue()).toBe('SK5');
    priya.taps = 0;
    await priya.choose(form, 'Category', 'Anti-social behaviour – nuisance');
    await priya.fill(form, 'Summary', 'Loud music from a flat on the third floor until 3am, second night running.');
    await priya.click(form, 'Submit report');
    const recorded = await priya.card(/Recorded: STO-/);
    expect(priya.taps).toBe(4);
    expect(await recorded.textContent()).toMatch(/Brinnington estate, SK5/);
  });

  it('unfolds the rest of the form when she needs it, and a problem there is shown unfolded', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('report');
    const form = await priya.card('Report an incident');
    await expect(form.getByLabel(/^Risk level/).first().isVisible()).resolves.toBe(false);
    await priya.reveal(form, /More: when, risk, sharing/);
    await priya.choose(form, 'Category', 'Criminal damage');
    await priya.fill(form, 'Summary', 'Bus shelter glass smashed on Brinnington Road overnight.');
    await priya.fill(form, 'Police log or crime reference', 'not a reference');
    await priya.click(form, 'Submit report');
    const again = await priya.card('Report an incident');
    // The folded part comes back open, the message beside its field, everything typed kept.
    await expect.poll(() => again.getByLabel(/^Police log or crime reference/).first().inputValue()).toBe('not a reference');
    await expect.poll(() => again.getByLabel(/^Summary/).first().inputValue()).toBe('Bus shelter glass smashed on Brinnington Road overnight.');
    await priya.shoot('journey-report-form-unfolded-error', again.getByLabel(/^Police log or crime reference/).first());
  });

  it('opens the details, adds an update and corrects the area', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    const recorded = await priya.card(`Recorded: ${reference}`, { anyTime: true });
    await priya.click(recorded, 'View details');
    const details = await priya.card(reference);
    await priya.shoot('journey-incident-details', details);
    await priya.click(details, 'Add an update');
    const updateForm = await priya.card(/Add an update|Update/);
    await priya.fill(updateForm, 'Update', 'Glazier booked for Monday; caretaker checking the CCTV.');
    await priya.click(updateForm, 'Add update');
    const updated = await priya.card(reference);
    expect(await updated.textContent()).toMatch(/Glazier booked/);
    await priya.click(updated, 'Edit');
    const edit = await priya.card(`Edit ${reference}`);
    await priya.fill(edit, 'Area or estate', 'Brinnington estate, Middlesex Road shops');
    await priya.click(edit, 'Save changes');
    const edited = await priya.card(reference);
    expect(await edited.textContent()).toMatch(/Middlesex Road shops/);
  });

  it('types something Concordat does not know and is offered help', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('what can you do for me?');
    await priya.click(await priya.card("I didn't understand"), 'Show help');
    await priya.card('Hello Priya Shah');
  });

  it('lists her organisation\'s incidents and filters them', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('incidents');
    const list = await priya.card(/incidents?/i);
    await priya.click(list, 'Apply filters');
    const filtered = await priya.card(reference);
    await priya.shoot('journey-incident-list', filtered);
  });
});

describe('Helen Okafor, GMP theme lead, alerts the partnership; Dan Whitworth acknowledges for Stockport Council in the channel', () => {
  it('sends an alert to Stockport; the channel card offers Acknowledge; Dan clicks it', JOURNEY, async () => {
    const helen = world.person('Helen Okafor');
    await helen.say('alert');
    const form = await helen.card('Send alert');
    await helen.shoot('journey-alert-form', form);
    await helen.choose(form, 'Severity', 'Warning – be aware and plan');
    await helen.choose(form, 'Boroughs', 'Stockport');
    await helen.choose(form, 'Theme', 'Protecting Vulnerable People');
    await helen.fill(form, 'Headline', 'Cuckooing reported on the Lancashire Hill estate');
    await helen.fill(form, 'What partners need to know', 'Several reports of a flat being taken over for drug dealing. Tenancy teams please check welfare of vulnerable tenants.');
    await helen.click(form, 'Send alert');
    const sent = await helen.card(/sent|Alert/i);
    await helen.click(sent, 'Recent alerts');
    await helen.card(/Cuckooing/);

    // The channel's posts are shown in the client of the person who set the channel up.
    const dan = world.person('Dan Whitworth');
    const alertCard = await dan.card('Cuckooing reported on the Lancashire Hill estate', { timeoutMs: 30_000 });
    await dan.shoot('journey-alert-channel', alertCard);
    await dan.click(alertCard, 'Acknowledge');
    const acked = await dan.card(/Stockport Council \(/);
    await dan.shoot('journey-alert-acknowledged', acked);
  });
});

/** A day `days` after today, UK date (the product's time zone). */
function ukDay(days: number): { year: number; month: number; day: number } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' })
    .format(new Date(Date.now() + days * 86_400_000))
    .split('-')
    .map(Number);
  return { year: year!, month: month!, day: day! };
}

let operationId = '';

describe('Tom Bradley, GMP coordinator, runs a joint operation', () => {

  it('schedules it from the help card, moves it, and sees the upcoming list', JOURNEY, async () => {
    const tom = world.person('Tom Bradley');
    await tom.say('help');
    const help = await tom.card('You can:');
    await tom.click(help, 'Schedule operation');
    const form = await tom.card(/Named participants/);
    await tom.shoot('journey-operation-form', form);
    await tom.fill(form, 'Name', 'Operation Nightjar');
    await tom.choose(form, 'Type', 'Day of action');
    await tom.choose(form, 'Borough', 'Stockport');
    await tom.fill(form, 'Area or estate', 'Brinnington');
    await tom.pickDate(form, 'Starts', ukDay(2));
    await tom.pickTime(form, 'at', '10:00 AM', 0);
    await tom.pickDate(form, 'Ends', ukDay(2));
    await tom.pickTime(form, 'at', '2:00 PM', 1);
    await tom.choose(form, 'Partner organisations taking part', 'Stockport Homes');
    await tom.choose(form, 'Named participants', 'Priya Shah (Stockport Homes)');
    await tom.click(form, 'Schedule');
    const scheduled = await tom.card('Operation Nightjar');
    operationId = /OP-[A-Z]{3}-[0-9A-Z]{6}/.exec((await scheduled.textContent()) ?? '')![0];
    await tom.shoot('journey-operation-scheduled', scheduled);

    await tom.click(scheduled, 'Move or cancel');
    await tom.click(await tom.card('Move it'), 'Back');
    await tom.click(await tom.card(operationId), 'Move or cancel');
    const change = await tom.card('Move it');
    await tom.pickTime(change, 'at', '11:00 AM', 0);
    await tom.click(change, 'Move it');
    await tom.card(/Moved: OP-/);
    await tom.say('help');
    await tom.click(await tom.card('You can:'), 'Upcoming operations');
    const list = await tom.card(operationId);
    await tom.shoot('journey-operation-list', list);
    await tom.click(list, /Operation Nightjar|Open|View/);
    await tom.card(operationId);
  });

  it('Priya links her incident to it', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('incidents');
    const list = await priya.card(/STO-\d{4}-\d{6}/);
    await priya.click(list, /STO-\d{4}-\d{6}|View/);
    const details = await priya.card(/Link to a joint operation/);
    await priya.click(details, 'Link to a joint operation');
    const link = await priya.card(/to a joint operation/);
    await priya.tick(link, /Operation Nightjar/);
    await priya.click(link, 'Link');
    await priya.card(/Operation Nightjar/);
    // Taking part, she was told privately and can open it.
    await priya.click(await priya.card('A joint operation you are taking part in has moved', { anyTime: true }), 'Open details');
    await priya.card(operationId);
  });

  it('cancels a second operation with a reason', JOURNEY, async () => {
    const tom = world.person('Tom Bradley');
    await tom.say('schedule');
    const form = await tom.card(/Named participants/);
    await tom.fill(form, 'Name', 'Operation Kestrel');
    await tom.choose(form, 'Type', 'Day of action');
    await tom.choose(form, 'Borough', 'Stockport');
    await tom.fill(form, 'Area or estate', 'Lancashire Hill');
    await tom.pickDate(form, 'Starts', ukDay(3));
    await tom.pickTime(form, 'at', '10:00 AM', 0);
    await tom.pickDate(form, 'Ends', ukDay(3));
    await tom.pickTime(form, 'at', '12:00 PM', 1);
    await tom.choose(form, 'Named participants', 'Tom Bradley (Greater Manchester Police)');
    await tom.click(form, 'Schedule');
    const scheduled = await tom.card('Operation Kestrel');
    await tom.click(scheduled, 'Move or cancel');
    const change = await tom.card('Cancel the operation');
    await tom.fill(change, 'Reason', 'Officers redeployed to a major incident');
    await tom.click(change, 'Cancel the operation');
    const cancelled = await tom.card(/cancelled/i);
    await tom.shoot('journey-operation-cancelled', cancelled);
  });
});

describe('Dan Whitworth publishes priorities and sets up his weekly digest', () => {
  it('publishes updated priorities for Stockport', JOURNEY, async () => {
    const dan = world.person('Dan Whitworth');
    await dan.open('Personal Chat');
    await dan.say('publish priorities Stockport');
    const form = await dan.card('What changed and why');
    await dan.fill(form, 'What changed and why', 'Added cuckooing after the November partnership review.');
    await dan.click(form, 'Publish');
    const published = await dan.card(/Stockport/);
    await dan.shoot('journey-priorities-published', published);
  });

  it('saves digest settings, previews this week, allows a colleague and stops', JOURNEY, async () => {
    const dan = world.person('Dan Whitworth');
    await dan.say('help');
    await dan.click(await dan.card('You can:'), 'Digest settings');
    const settings = await dan.card(/Themes \(one card each\)/);
    await dan.tick(settings, 'Protecting Vulnerable People');
    await dan.click(settings, 'Save');
    const saved = await dan.card(/Themes \(one card each\)|digest/i);
    await dan.click(saved, 'Preview this week');
    const digest = await dan.card(/week/i);
    await dan.shoot('journey-digest-preview', digest);
    await dan.click(digest, 'Alerts');
    await dan.card(/Cuckooing/);
    await dan.say('digest settings');
    const again = await dan.card(/Themes \(one card each\)/);
    await dan.choose(again, 'Member', 'Priya Shah');
    await dan.click(again, 'Allow');
    const allowed = await dan.card(/Themes \(one card each\)|Helen/);
    await dan.click(allowed, 'Stop digests');
    await dan.card(/stopped|no longer|Stop/i);
  });
});

describe('After the operation, Tom records the outcomes', () => {
  it('opens the operation after it has ended and records what happened', JOURNEY, async () => {
    world.advance(4 * 86_400_000);
    const tom = world.person('Tom Bradley');
    await tom.say(`operation ${operationId}`);
    const op = await tom.card(/Record outcomes/);
    await tom.click(op, 'Record outcomes');
    const form = await tom.card(/Notes \(feeds the weekly digest/);
    for (const [label, value] of [['Arrests', '2'], ['Warrants executed', '1'], ['Premises closed', '0'], ['Vehicles seized', '1'], ['Referrals', '3']] as const) {
      await tom.fill(form, label, value);
    }
    await tom.click(form, 'Record outcomes');
    const recorded = await tom.card(/Arrests/);
    await tom.shoot('journey-operation-outcomes', recorded);
  });
});

describe('Dan Whitworth stops the channel receiving posts', () => {
  it('opens channel settings in the channel and stops posting there', JOURNEY, async () => {
    const dan = world.person('Dan Whitworth');
    await dan.open('Stockport Priorities and Alerts');
    await dan.say('channel settings', { mention: true });
    const settings = await dan.card('Stop posting here');
    await dan.click(settings, 'Stop posting here');
    await dan.card(/no longer|stopped|removed/i);
  });
});

describe('Every card button was clicked in the browser', () => {
  it('each Universal Action verb the bot answers was reached by a real click at least once', () => {
    const clicked = new Set(world.verbsClicked);
    const missing = [...ACTION_ROUTES.keys()].filter((v) => !clicked.has(v) && !NOT_YET_JOURNEYED.has(v));
    expect(missing).toEqual([]);
  });
});

/** Verbs no journey reaches yet, each with the reason. Keep this list empty. */
const NOT_YET_JOURNEYED = new Map<string, string>([
  ['alert', 'no card offers an "alert" button: raising an alert starts from the typed command'],
  // Teams sends it, not a click: the alert card's refresh. The Agents Playground (0.2.28) draws cards with its own
  // renderer and never runs `refresh` (the Adaptive Cards applet that would is bundled but unused), so no browser
  // can reach it; test/alertViews.test.ts sends it over HTTP as Teams does (trigger "automatic").
  ['alert.view', 'a card refresh, which the Agents Playground does not run: covered over HTTP by test/alertViews.test.ts'],
  ['hotspot.incidents', 'the hotspot card\'s buttons fail in the client (action data field named `key`, issue 17); journey to follow the fix'],
  ['hotspot.propose', 'as hotspot.incidents'],
  // The partnership directory's cards (issue 12) landed after these journeys were written; their journeys are still to come.
  ...['access.request', 'access.open', 'access.approve', 'access.decline', 'people.list', 'member.open', 'member.save', 'member.suspend', 'member.reinstate', 'member.remove', 'review.confirm', 'review.remove', 'review.confirmAll'].map(
    (verb) => [verb, 'directory card (issue 12): no journey yet'] as [string, string],
  ),
  ...['incident.hide', 'notices.list', 'notices.open'].map(
    (verb) => [verb, 'shown only to people with no personal chat (issue 12 §3); covered over HTTP by test/privateViews.test.ts'] as [string, string],
  ),
  // Search and request access (issue 15) landed last in the same session; covered over HTTP by test/search.test.ts.
  ...['incidents.search', 'incidents.access.request', 'incidents.access.approve', 'incidents.access.decline'].map(
    (verb) => [verb, 'search card (issue 15): no journey yet'] as [string, string],
  ),
]);
