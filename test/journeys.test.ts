import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ROUTES } from '../bot/commands';
import { applyDirectoryFile } from '../bot/directory/apply';
import { HOST_TENANT_ID } from '../scripts/playground/people';
import { identifyCaller } from '../bot/conversation/user';
import { submitReport } from '../bot/incidents/submit';
import { detectHotspots } from '../bot/warnings/detect';
import { demoPerson } from '../scripts/playground/people';
import { fileReports, startJourneyWorld, type JourneyWorld } from './support/journey';
import { ALERT_PAGE_SIZE } from '../bot/alerts/list';
import { raiseAlert } from '../bot/alerts/raise';
import { runDueReminders } from '../bot/operations/reminderEngine';
import { scheduleOperation } from '../bot/operations/schedule';
import { appendAudit } from '../bot/audit/repository';
import { JointOperation } from '../bot/operations/model';
import { createOperation } from '../bot/operations/repository';

/**
 * Journeys through Concordat as its people meet it: the real Agents
 * Playground web client in headless Chromium, one browser tab per demo
 * person, every button clicked on the rendered card (a card that works only
 * with a hand-built activity fails here). Screenshots at desktop and phone
 * width go to docs/screenshots/journey-*.png.
 *
 * The describes run in order and build on each other, like a shift at the
 * partnership: Dan sets the channel up, Priya reports, Tom schedules, Helen
 * alerts, Aisha acknowledges. Then the directory: Kwame signs in from his own
 * organisation's tenant, Sam (whom the directory does not know) asks to join
 * and Maria, Stockport Homes' approver, lets him in, manages him, reviews her
 * organisation's access and finally declines his second request.
 */
let world: JourneyWorld;
const JOURNEY = { timeout: 90_000 };
/** A phone screen's height for a card, in CSS px (a 360 x 740 screen less Teams' header and compose box). */
const PHONE_SCREEN_PX = 740;

beforeAll(async () => {
  world = await startJourneyWorld(['Priya Shah', 'Tom Bradley', 'Helen Okafor', 'Dan Whitworth', 'Maria Lopez', 'Sam Newton', 'Kwame Mensah', 'Aisha Rahman']);
}, 300_000);

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
    await helen.say('help');
    await helen.click(await helen.card('You can:'), 'Raise alert');
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

  it('after a busy fortnight, the oldest of her alerts is on the second page of the list: More shows it', JOURNEY, async () => {
    // A page of alerts from the days before hers, for Bolton (no channel is mapped there: nothing is posted to
    // Dan's channel), raised on the bot's clock set back, so hers stays the newest for the journeys that follow.
    const back = 3 * 86_400_000;
    world.advance(-back);
    try {
      for (let i = 1; i <= ALERT_PAGE_SIZE; i++) {
        world.advance(60_000);
        const raised = await raiseAlert(world.runtime.ctx, {
          alertId: `journey-bolton-${i}`,
          source: 'api',
          organisationId: 'gmp',
          displayName: 'Helen Okafor',
          input: { severity: 'info', boroughs: ['bolton'], themeId: 'public-safety', title: `Bolton patrol note ${String(i).padStart(2, '0')}`, body: 'Routine patrol note for partners.', expiresInDays: 7, marking: 'OFFICIAL' },
        });
        expect(raised.ok).toBe(true);
      }
    } finally {
      world.advance(back - ALERT_PAGE_SIZE * 60_000);
    }
    const helen = world.person('Helen Okafor');
    await helen.say('alerts');
    const first = await helen.card(/Cuckooing/);
    expect(await first.textContent()).toContain('Bolton patrol note 02');
    expect(await first.textContent()).not.toContain('Bolton patrol note 01');
    await helen.click(first, 'More');
    const second = await helen.card('Bolton patrol note 01');
    expect(await second.textContent()).toMatch(/More: 1 alert/);
    await helen.shoot('journey-alerts-more', second);
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

    // A busy month: ten more operations in Wigan. The list shows ten a turn, soonest first; "More" shows the rest.
    const now = world.runtime.ctx.clock().getTime();
    for (let i = 1; i <= 10; i++) {
      await createOperation(
        world.runtime.ctx,
        JointOperation.parse({
          id: `OP-WIG-${String(i).padStart(6, '0')}`, name: `Wigan walkabout ${i}`, type: 'joint-visit', borough: 'wigan', area: 'Town centre',
          startsAt: new Date(now + (5 + i) * 86_400_000).toISOString(), endsAt: new Date(now + (5 + i) * 86_400_000 + 3 * 3600_000).toISOString(),
          leadOrganisationId: 'gmp', partnerOrganisationIds: [], participants: [], coordinator: demoPerson('Tom Bradley').aadObjectId,
          linkedIncidents: [], reminderOffsetsMin: [], outcomesAfterMin: 0, status: 'scheduled',
        }),
      );
    }
    await tom.say('operations');
    const firstPage = await tom.card(/10 operations, soonest first, and more to come/);
    expect(await firstPage.textContent()).toContain('Operation Nightjar');
    await tom.click(firstPage, 'More');
    const secondPage = await tom.card(/More: 1 operation, soonest first/);
    expect(await secondPage.textContent()).toContain('Wigan walkabout 10');
    expect(await secondPage.textContent()).not.toContain('Operation Nightjar');
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

describe('Early warning: criminal damage clusters in Brinnington; Tom sees the incidents and proposes an operation from the channel card', () => {
  it('the hotspot card reaches the channel; See the incidents and Propose joint operation answer in his private chat', JOURNEY, async () => {
    await fileReports(world, 'Priya Shah', [1, 2, 3, 4].map((d) => ({
      category: 'criminal-damage', area: 'Brinnington estate', district: 'SK5', sharedWith: 'gmp,stockport-council', daysAgo: d,
      summary: `Bus shelter and shop shutters damaged again on Brinnington Road (${d} days ago).`,
    })));
    const tom = world.person('Tom Bradley');
    await tom.open('Stockport Priorities and Alerts');
    const run = await detectHotspots(world.runtime.ctx, { boroughs: ['stockport'] });
    expect(run.raised.map((w) => w.ruleId)).toContain('criminal-damage');
    const warning = await tom.card(/Early warning: hotspot[\s\S]*criminal damage incidents in 14 days: Brinnington estate/, { timeoutMs: 30_000 });
    await tom.shoot('journey-hotspot-channel', warning);
    await tom.click(warning, 'See the incidents');
    const sent = await tom.card(/sent the incidents you have access to/);
    await tom.click(sent, 'Propose joint operation');
    const proposed = await tom.card(/sent you the scheduling card/);
    await tom.shoot('journey-hotspot-propose', proposed);
    expect(await proposed.textContent()).not.toMatch(/STO-\d{4}-/); // the channel card stays de-identified

    await tom.open('Personal Chat');
    const list = await tom.card(/Behind the warning: \d+ criminal damage incidents[\s\S]*STO-\d{4}-\d{6}/, { anyTime: true, timeoutMs: 30_000 });
    await tom.shoot('journey-hotspot-incidents', list);
    const form = await tom.card(/Hotspot response: Brinnington estate|Named participants/, { anyTime: true, timeoutMs: 30_000 });
    await expect.poll(() => form.getByLabel(/^Name/).first().inputValue()).toBe('Hotspot response: Brinnington estate');
    await tom.shoot('journey-hotspot-schedule-form', form);
  });
});

describe('Search: Aisha Rahman (Salix Homes) finds incidents Stockport Homes holds and asks for them; Maria approves one request and declines another', () => {
  it('searches from the form, asks Stockport Homes, and Maria decides in her private chat', JOURNEY, async () => {
    await fileReports(world, 'Priya Shah', [
      { category: 'asb-nuisance', area: 'Brinnington estate', district: 'SK5', sharedWith: 'gmp', daysAgo: 2, summary: 'Motorbikes ridden across the green behind the tower blocks every evening.' },
      { category: 'asb-nuisance', area: 'Lancashire Hill', district: 'SK4', sharedWith: 'gmp', daysAgo: 3, summary: 'Repeated door knocking and shouting in the stairwell late at night.' },
    ]);
    // Aisha's organisation was not given these (an administrator, police or the reporter's organisation would see them).
    const aisha = world.person('Aisha Rahman');
    const maria = world.person('Maria Lopez');
    
    const ask = async (where: string) => {
      await aisha.say('search');
      const form = await aisha.card('Search incidents');
      await aisha.fill(form, 'Reference, police log number', where);
      await aisha.click(form, 'Search');
      const results = await aisha.card(/Ask Stockport Homes/);
      return results;
    };
    const results = await ask('Brinnington');
    await aisha.shoot('journey-search-results', results);
    await aisha.click(results, 'Ask Stockport Homes');
    await aisha.card('Request sent');

    const request = await maria.card(/Request to see incidents[\s\S]*Brinnington/, { anyTime: true, timeoutMs: 30_000 });
    await maria.shoot('journey-search-access-request', request);
    await maria.click(request, 'Approve');
    await maria.card(/now shared with Salix Homes/);
    // Aisha is told in her private chat.
    await aisha.card(/Stockport Homes shared \d+ incident/, { anyTime: true, timeoutMs: 30_000 });

    const second = await ask('Lancashire Hill');
    await aisha.click(second, 'Ask Stockport Homes');
    await aisha.card('Request sent');
    const another = await maria.card(/Request to see incidents[\s\S]*Lancashire Hill/, { anyTime: true, timeoutMs: 30_000 });
    await maria.click(another, 'Decline');
    const declined = await maria.card(/has been told that Stockport Homes declined/);
    await maria.shoot('journey-search-access-declined', declined);
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

describe('Kwame Mensah, City West Housing Trust, signs in from his own organisation\'s tenant', () => {
  it('is recognised as City West staff: the partner tenant is one the directory lists', JOURNEY, async () => {
    const kwame = world.person('Kwame Mensah');
    await kwame.say('help');
    const help = await kwame.card('You can:');
    expect(await help.textContent()).toMatch(/City West Housing Trust · Partner staff/);
    await kwame.shoot('journey-partner-tenant-help', help);
  });
});

describe('Sam Newton, whom the directory does not know, asks to join; Maria Lopez, Stockport Homes\' approver, lets him in', () => {
  it('Sam says help and gets only the request-access card, his organisation proposed from his e-mail; he asks', JOURNEY, async () => {
    const sam = world.person('Sam Newton');
    await sam.say('help');
    const ask = await sam.card('You are not registered with the concordat yet');
    const text = (await ask.textContent()) ?? '';
    expect(text).toMatch(/From your sign-in you look to be with Stockport Homes/);
    expect(text).not.toMatch(/Report incident/);
    await sam.shoot('journey-join-request', ask);
    await sam.fill(ask, 'Job title', 'Tenancy support officer');
    await sam.fill(ask, 'Why you need access', 'I support tenants on the Brinnington estate and need to report ASB to the partnership.');
    await sam.click(ask, 'Ask for access');
    const sent = await sam.card('Request sent');
    expect(await sent.textContent()).toMatch(/Stockport Homes' approvers will decide/);
    await sam.shoot('journey-join-sent', sent);
  });

  it('Maria gets the approval card in her chat and approves him as partner staff', JOURNEY, async () => {
    const maria = world.person('Maria Lopez');
    const approval = await maria.card('Sam Newton asks to join Stockport Homes', { timeoutMs: 30_000 });
    expect(await approval.textContent()).toMatch(/I support tenants on the Brinnington estate/);
    await maria.shoot('journey-join-approval', approval);
    await maria.click(approval, 'Approve');
    const approved = await maria.card(/Approved on .*: Sam Newton is now Partner staff at Stockport Homes/);
    await maria.shoot('journey-join-approved', approved);
  });

  it('Sam hears it in his chat, and his next help shows his organisation and role', JOURNEY, async () => {
    const sam = world.person('Sam Newton');
    const outcome = await sam.card('Your Concordat access is approved', { timeoutMs: 30_000, anyTime: true });
    await sam.click(outcome, 'Show help');
    const help = await sam.card('You can:');
    expect(await help.textContent()).toMatch(/Stockport Homes · Partner staff/);
    expect(await help.textContent()).toMatch(/Report incident/);
    await sam.shoot('journey-join-welcome', help);
  });
});

describe('Maria Lopez manages Stockport Homes\' people', () => {
  it('finds Sam from help, makes him a coordinator, suspends him (his next message is refused) and reinstates him', JOURNEY, async () => {
    const maria = world.person('Maria Lopez');
    const sam = world.person('Sam Newton');
    await maria.say('help');
    await maria.click(await maria.card('You can:'), 'People and requests');
    const people = await maria.card(/Stockport Homes: \d+ members/);
    await maria.shoot('journey-people-list', people);
    await maria.click(people, 'Manage', { row: 'Sam Newton' });
    const member = await maria.card(/Sam Newton[\s\S]*Themes they lead/);
    await maria.tick(member, 'Coordinator');
    await maria.click(member, 'Save roles');
    const saved = await maria.card(/Saved: it applies from their next message/);
    expect(await saved.textContent()).toMatch(/Partner staff, Coordinator/);
    await maria.shoot('journey-people-member', saved);

    await maria.click(saved, 'Suspend');
    const suspended = await maria.card(/Suspended: from their next message/);
    await maria.shoot('journey-people-suspended', suspended);
    await sam.say('help');
    await sam.card('Your Concordat access is suspended');

    await maria.click(suspended, 'Reinstate');
    const reinstated = await maria.card('Reinstated.');
    await sam.say('help');
    // The role change made before the suspension applies too: he can schedule operations now.
    expect(await (await sam.card('You can:')).textContent()).toMatch(/Partner staff, Coordinator[\s\S]*Schedule operation/);
    await maria.click(reinstated, 'Back to people');
    await maria.card(/Stockport Homes: \d+ members/);
  });
});

describe('The quarterly access review of Stockport Homes', () => {
  it('Maria confirms one colleague, removes a leaver and confirms the rest from the review card', JOURNEY, async () => {
    // Two colleagues onboarded in bulk (a people file, as `npm run directory -- apply` does): reviewed here, unlike people named in the partnership file.
    const onboarded = await applyDirectoryFile(
      world.runtime.ctx,
      {
        schema: 'concordat.people/v1',
        organisation: 'stockport-homes',
        people: [
          { aadObjectId: '00000000-0000-4000-8000-0000000000c1', tenantId: HOST_TENANT_ID, displayName: 'Nadia Ashraf', jobTitle: 'Housing officer', roles: ['staff'] },
          { aadObjectId: '00000000-0000-4000-8000-0000000000c2', tenantId: HOST_TENANT_ID, displayName: 'Lee Carter', jobTitle: 'Caretaker supervisor', roles: ['staff'] },
        ],
      },
      'system',
    );
    expect(onboarded.ok).toBe(true);
    // A quarter later the daily timer opens the round.
    world.advance(100 * 86_400_000);
    await world.runTimer('accessReview');
    const maria = world.person('Maria Lopez');
    const review = await maria.card('Access review: Stockport Homes', { timeoutMs: 30_000 });
    expect(await review.textContent()).toMatch(/Sam Newton[\s\S]*Nadia Ashraf|Nadia Ashraf[\s\S]*Sam Newton/);
    await maria.shoot('journey-access-review', review);
    await maria.click(review, 'Confirm', { row: 'Nadia Ashraf' });
    const confirmed = await maria.card(/Confirmed\.[\s\S]*1 confirmed, 0 removed, 2 to go/);
    await maria.click(confirmed, 'Remove', { row: 'Lee Carter' });
    const removed = await maria.card(/Removed\.[\s\S]*1 confirmed, 1 removed, 1 to go/);
    await maria.click(removed, /^Confirm all 1 shown/);
    const done = await maria.card(/2 confirmed, 1 removed, 0 to go/);
    await maria.shoot('journey-access-review-done', done);
  });
});

describe('Sam leaves; when he asks again, Maria declines with a reason', () => {
  it('Maria removes Sam; his next message gets the request-access card; she declines his new request from her people list', JOURNEY, async () => {
    const maria = world.person('Maria Lopez');
    const sam = world.person('Sam Newton');
    await maria.say('people sam');
    await maria.click(await maria.card(/People matching "sam"/), 'Manage', { row: 'Sam Newton' });
    const member = await maria.card(/Sam Newton[\s\S]*Themes they lead/);
    // Removing asks first, naming the person.
    await maria.reveal(member, 'Remove…');
    await maria.click(member, 'Remove Sam Newton');
    await maria.card(/Sam Newton has been removed/);

    await sam.say('help');
    const ask = await sam.card('You are not registered with the concordat yet');
    await sam.fill(ask, 'Why you need access', 'I have moved back to the Brinnington team and need to report again.');
    await sam.click(ask, 'Ask for access');
    await sam.card('Request sent');

    await maria.say('people');
    await maria.click(await maria.card(/open request/), 'Decide', { row: 'Sam Newton (asks to join)' });
    const decide = await maria.card(/Sam Newton asks to join Stockport Homes[\s\S]*If you decline/);
    await maria.fill(decide, 'If you decline', 'Your move back is not confirmed yet: ask again once HR has updated your post.');
    await maria.click(decide, 'Decline');
    const declined = await maria.card(/Declined on .*Your move back is not confirmed yet/);
    expect(await declined.textContent()).toMatch(/updated your post\. They have been told\./); // her full stop, not "post..".
    await maria.shoot('journey-join-declined', declined);

    const told = await sam.card('Your Concordat access request was declined', { timeoutMs: 30_000 });
    expect(await told.textContent()).toMatch(/Stockport Homes: Your move back is not confirmed yet/);
    await sam.shoot('journey-join-declined-told', told);
  });
});

describe('Kwame Mensah, City West Housing Trust, in the shared channel from his own tenant (no personal chat)', () => {
  it('sees incident details shown to him alone, hides them, and opens a reminder kept for him', JOURNEY, async () => {
    const ctx = world.runtime.ctx;
    const KWAME_ID = '00000000-0000-4000-8000-000000000007';
    // Teams gives a shared-channel member from another tenant no personal chat with an app. The playground always
    // has one (its config requires it): the journey forgets the bot's record of it, as Teams would never have made it.
    for (const row of await ctx.store.conversations.query(`PartitionKey eq 'personal' and userAadObjectId eq '${KWAME_ID}'`)) await ctx.store.conversations.delete(row.keys);
    // Salix Homes reports an incident in Salford and shares it with the police and City West Housing Trust.
    const aisha = await identifyCaller(ctx, { aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman', tenantId: '00000000-0000-4000-8000-0000000c0dec' });
    const confirmed = await submitReport(ctx, aisha, {
      submissionId: 'c0ffee00000000000000000000000001', category: 'asb-personal', hateCrimeStrand: '', borough: 'salford', area: 'Ordsall Lane flats',
      postcodeDistrict: 'M5', fullAddress: 'Flat 12, 40 Ordsall Lane, Salford M5 3AB', occurredDate: '2026-11-24', occurredTime: '22:10',
      summary: 'Repeated door-knocking and threats to a tenant late at night.', details: 'The tenant named two youths she recognised from the block.',
      victims: '1', suspects: '2', witnesses: '0', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
      actions: 'reported-to-police', sharedWith: 'gmp,city-west-housing', marking: 'OFFICIAL-SENSITIVE',
    });
    const reference = /SAL-\d{4}-\d{6}/.exec(JSON.stringify(confirmed))![0];

    const kwame = world.person('Kwame Mensah');
    await kwame.open('Stockport Priorities and Alerts');
    await kwame.say(`incident ${reference}`, { mention: true });
    const posted = await kwame.card(/Press View details/);
    expect(await posted.textContent()).not.toContain('door-knocking');
    await kwame.click(posted, 'View details');
    const details = await kwame.card(/Only you can see this/);
    expect(await details.textContent()).toContain('Flat 12, 40 Ordsall Lane');
    await kwame.shoot('journey-private-details', details);
    await kwame.click(details, 'Hide details');
    const hidden = await kwame.card(new RegExp(`Incident ${reference}`));
    expect(await hidden.textContent()).not.toContain('door-knocking');

    // Tom schedules a joint operation with Kwame taking part; the reminder the day before is kept for Kwame.
    const tom = await identifyCaller(ctx, { aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley', tenantId: '00000000-0000-4000-8000-0000000c0dec' });
    const start = new Date(ctx.clock().getTime() + 2 * 86_400_000);
    const day = start.toISOString().slice(0, 10);
    const scheduled = await scheduleOperation(ctx, tom, {
      submissionId: 'c0ffee00-0000-4000-8000-000000000002', name: 'Ordsall day of action', type: 'day-of-action', borough: 'salford', area: 'Ordsall',
      startDate: day, startTime: '09:00', endDate: day, endTime: '15:00', lead: 'gmp', partners: 'city-west-housing',
      participants: KWAME_ID, briefing: 'Meet at the Ordsall police office.', incidents: '', reminders: '1440', outcomesAfter: '1440',
    });
    expect(scheduled.kind).toBe('scheduled');
    world.advance(Date.parse(`${day}T09:00:00Z`) - 86_400_000 + 60_000 - ctx.clock().getTime()); // just after the day-before reminder is due (GMT)
    await runDueReminders(ctx);

    await kwame.say('notices', { mention: true });
    const entry = await kwame.card(/Private notices/);
    await kwame.click(entry, 'My private notices');
    const list = await kwame.card(/Your private notices/);
    expect(await list.textContent()).toContain('Reminder: Ordsall day of action');
    await kwame.shoot('journey-private-notices', list);
    await kwame.click(list, /^Open/);
    const opened = await kwame.card(/Ordsall day of action/);
    expect(await opened.textContent()).toContain('Only you can see this');
    await kwame.shoot('journey-private-notice-opened', opened);
  });
});

describe('Stockport Homes grows: Maria pages through her people and a longer access review', () => {
  it('the people list and the review card show a page at a time in name order, with More for the rest', JOURNEY, async () => {
    // Twenty-four more colleagues onboarded in bulk: 26 members in all, more than a card's 20.
    const names = ['Abbie', 'Bilal', 'Chloe', 'Darius', 'Ellie', 'Farah', 'George', 'Hana', 'Imran', 'Jade', 'Kieran', 'Leah', 'Marcus', 'Noor', 'Owen', 'Poppy', 'Qasim', 'Rosa', 'Saif', 'Tilly', 'Umar', 'Vera', 'Wes', 'Yara'];
    const grown = await applyDirectoryFile(
      world.runtime.ctx,
      {
        schema: 'concordat.people/v1',
        organisation: 'stockport-homes',
        people: names.map((first, i) => ({ aadObjectId: `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`, tenantId: HOST_TENANT_ID, displayName: `${first} Hughes`, jobTitle: 'Neighbourhood officer', roles: ['staff'] })),
      },
      'system',
    );
    expect(grown.ok).toBe(true);
    const maria = world.person('Maria Lopez');
    await maria.say('people');
    const first = await maria.card(/Stockport Homes: 20 members on this page, more follow/);
    expect(await first.textContent()).toMatch(/Abbie Hughes[\s\S]*Bilal Hughes/);
    await maria.shoot('journey-people-more', first);
    await maria.click(first, 'More');
    const rest = await maria.card(/Stockport Homes, continued: \d+ members?\./);
    expect(await rest.textContent()).toMatch(/Yara Hughes/);

    // A quarter on, the daily timer closes the last round and then opens the next: 25 to confirm, 10 on a card.
    world.advance(100 * 86_400_000);
    await world.runTimer('accessReview');
    await world.runTimer('accessReview');
    const review = await maria.card(/Access review: Stockport Homes[\s\S]*25 to go \(10 shown here, in name order\)/, { timeoutMs: 30_000 });
    await maria.shoot('journey-access-review-more', review);
    await maria.click(review, 'More');
    const next = await maria.card(/Access review: Stockport Homes[\s\S]*Kieran Hughes/);
    expect(await next.textContent()).not.toMatch(/Abbie Hughes/);
    await maria.click(next, /^Confirm all 10 shown/);
    await maria.card(/10 confirmed, 0 removed, 15 to go/);
  });
});

describe('Dan Whitworth, as administrator, reviews who touched Operation Nightjar', () => {
  it('reads its audit trail newest first and presses More for the older events', JOURNEY, async () => {
    // A long trail: a dozen looks at the operation by its participants.
    const ctx = world.runtime.ctx;
    for (let i = 1; i <= 12; i++) {
      await appendAudit(ctx, {
        id: `journey-look-${i}`, at: ctx.clock().toISOString(), action: 'consultation',
        actor: { aadObjectId: demoPerson('Priya Shah').aadObjectId, organisationId: 'stockport-homes' },
        subject: { type: 'operation', id: operationId }, justification: 'participant in the operation',
      });
    }
    const dan = world.person('Dan Whitworth');
    await dan.open('Personal Chat');
    await dan.say(`audit ${operationId}`);
    const trail = await dan.card(`Audit trail: operation ${operationId}`);
    expect(await trail.textContent()).toContain('10 events, and older ones to come');
    await dan.click(trail, 'More');
    const older = await dan.card(/Older: \d+ events?/);
    expect(await older.textContent()).toContain('Priya Shah, Stockport Homes');
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
  // Teams sends it, not a click: the alert card's refresh. The Agents Playground (0.2.28) draws cards with its own
  // renderer and never runs `refresh` (the Adaptive Cards applet that would is bundled but unused), so no browser
  // can reach it; test/alertViews.test.ts sends it over HTTP as Teams does (trigger "automatic").
  ['alert.view', 'a card refresh, which the Agents Playground does not run: covered over HTTP by test/alertViews.test.ts'],
]);
