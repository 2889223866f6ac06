import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../bot/incidents/list';
import { SEARCH_PAGE_SIZE } from '../bot/search/search';
import { fileReports, startJourneyWorld, type FiledReport, type JourneyWorld } from './support/journey';

/**
 * Search as its people meet it, in the real Agents Playground web client (headless Chromium), every button clicked
 * on the rendered card and every check made on what the card shows:
 * - Priya Shah, housing officer at Stockport Homes, finds an incident by its reference on her phone, searches an
 *   estate and postcode district between two dates, a place by typing, and pages her organisation's incidents and a
 *   long search with "More";
 * - Aisha Rahman of Salix Homes, outside the organisation that holds them, is told only which organisation holds
 *   incidents there and asks it; Maria Lopez, Stockport Homes' approver, grants one request (Aisha then opens the
 *   incident) and refuses another (Aisha is told).
 * Screenshots at desktop and phone width, and in high contrast, go to journey-search-*.png.
 */
let world: JourneyWorld;
const JOURNEY = { timeout: 120_000 };

/** Priya's reports, by name; filed before the journeys start (see beforeAll). */
const filed: Record<string, string> = {};

beforeAll(async () => {
  world = await startJourneyWorld(['Priya Shah', 'Aisha Rahman', 'Maria Lopez']);
  const brinnington = (daysAgo: number, summary: string): FiledReport => ({ category: 'asb-nuisance', area: 'Brinnington estate', district: 'SK5', sharedWith: 'gmp', summary, daysAgo });
  // A busy month on the estate, reported as it happened (oldest first): more Brinnington reports than one page of a
  // search reads, and more of Stockport Homes' reports than one page of its incidents list.
  const older = Array.from({ length: SEARCH_PAGE_SIZE - 3 }, (_, i) => brinnington(28 - (i % 9), `Litter and broken glass on the Brinnington estate play area, report ${i + 1}.`));
  await fileReports(world, 'Priya Shah', older);
  const named: [string, FiledReport][] = [
    ['sixteenDays', brinnington(16, 'Graffiti sprayed on the community centre shutters.')],
    ['nineDays', brinnington(9, 'Lift lobby door forced and left open overnight, residents worried.')],
    ['sixDays', brinnington(6, 'Motorbikes ridden across the green behind the tower blocks every evening.')],
    ['lancashireHill', { category: 'asb-personal', area: 'Lancashire Hill', district: 'SK4', sharedWith: 'gmp', summary: 'Repeated door knocking and shouting in the stairwell late at night.', daysAgo: 3 }],
    ['twoDays', brinnington(2, 'Fireworks let off at the bus stop on Brinnington Road.')],
  ];
  const refs = await fileReports(world, 'Priya Shah', named.map(([, r]) => r));
  named.forEach(([name], i) => (filed[name] = refs[i]!));
}, 360_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') console.error(`journey failed: screens and pages saved in ${await world.dump(task.name)}`);
});

afterAll(async () => {
  await world?.close();
});

/** `days` before today as a UK calendar day (the product's time zone). */
function ukDay(daysAgo: number): { year: number; month: number; day: number } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: world.runtime.ctx.config.timeZone })
    .format(new Date(world.runtime.ctx.clock().getTime() - daysAgo * 86_400_000))
    .split('-')
    .map(Number);
  return { year: year!, month: month!, day: day! };
}

describe('Priya Shah, housing officer at Stockport Homes, searches her organisation\'s incidents', () => {
  it('finds an incident by its reference on her phone: the details open, nothing off the screen', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    const reference = filed.nineDays!;
    await priya.atPhoneWidth(async () => {
      await priya.say('search');
      const form = await priya.card('Search incidents');
      expect(await priya.unreachableAtPhoneWidth(form)).toEqual([]);
      // Typed as people do on a phone: lower case, without the leading zeros.
      await priya.fill(form, 'Reference', reference.toLowerCase().replace(/-0+/, '-'));
      await priya.click(form, 'Search');
      const details = await priya.card(reference);
      expect(await details.textContent()).toContain('Lift lobby door forced and left open overnight');
      expect(await priya.unreachableAtPhoneWidth(details)).toEqual([]);
    });
    await priya.shoot('journey-search-reference-details', await priya.card(reference, { anyTime: true }));
  });

  it('searches an estate and postcode district between two dates: only those days are listed, and one opens', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('search');
    const form = await priya.card('Search incidents');
    await priya.fill(form, 'Reference', 'Brinnington SK5');
    await priya.pickDate(form, 'From', ukDay(12));
    await priya.pickDate(form, 'To', ukDay(5));
    await priya.click(form, 'Search');
    const results = await priya.card(/you can open/);
    const text = (await results.textContent()) ?? '';
    expect(text).toContain(filed.sixDays);
    expect(text).toContain(filed.nineDays);
    expect(text).not.toContain(filed.twoDays);
    expect(text).not.toContain(filed.sixteenDays);
    expect(text).toMatch(/2 you can open: select one to see its details/);
    // The question stays on the card, to change and search again.
    await expect.poll(() => results.getByLabel(/^Reference/).first().inputValue()).toBe('Brinnington SK5');
    expect(await priya.unreachableAtPhoneWidth(results)).toEqual([]);
    await priya.shoot('journey-search-location-dates', results);
    await priya.shootContrast('journey-search-location-dates', results);

    await priya.click(results, `Open ${filed.sixDays}`);
    const details = await priya.card(filed.sixDays!);
    expect(await details.textContent()).toContain('Motorbikes ridden across the green');
  });

  it('puts the end date before the start: told so beside the dates, with what she typed kept', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('search');
    const form = await priya.card('Search incidents');
    await priya.fill(form, 'Reference', 'Brinnington');
    await priya.pickDate(form, 'From', ukDay(5));
    await priya.pickDate(form, 'To', ukDay(12));
    await priya.click(form, 'Search');
    const again = await priya.card(/after the end date/);
    await expect.poll(() => again.getByLabel(/^Reference/).first().inputValue()).toBe('Brinnington');
    // The message sits with the dates it is about, not under the search box.
    const message = again.getByText(/after the end date/).first();
    const [to, said] = [await again.getByRole('combobox', { name: /^To/ }).first().boundingBox(), await message.boundingBox()];
    expect(said!.y).toBeGreaterThan(to!.y);
    await priya.shoot('journey-search-dates-error', message);
  });

  it('types "search Lancashire Hill": the place is found without the card', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('search Lancashire Hill');
    const results = await priya.card(/Lancashire Hill/);
    expect(await results.textContent()).toContain(filed.lancashireHill);
    expect(await results.textContent()).toMatch(/1 you can open/);
  });

  it('a search with more than a page: More lists the rest and says what it shows', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('search Brinnington');
    const first = await priya.card(/you can open/);
    const text = (await first.textContent()) ?? '';
    expect(text).toContain(filed.twoDays);
    expect(text).toContain('Newest first. More searches on for older incidents.');
    const onFirst = new Set(text.match(/STO-\d{4}-\d{6}/g));
    expect(onFirst.size).toBe(SEARCH_PAGE_SIZE);
    await priya.shoot('journey-search-more', first.getByText(/More searches on/).last());
    await priya.click(first, 'More');
    const next = await priya.card(/you can open \(continued\)/);
    const rest = (await next.textContent())?.match(/STO-\d{4}-\d{6}/g) ?? [];
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.filter((r) => onFirst.has(r))).toEqual([]);
  });

  it('pages her organisation\'s incidents with More: the next page continues, older ones', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    await priya.say('incidents');
    const first = await priya.card(/Incidents reported by Stockport Homes/);
    expect(await first.textContent()).toContain(`${PAGE_SIZE} incidents, and more to come: More shows older ones.`);
    expect(await first.textContent()).toContain(filed.twoDays);
    await priya.click(first, 'More');
    const second = await priya.card(/More: \d+ incidents?/);
    expect(await second.textContent()).not.toContain(filed.twoDays);
    expect(await priya.unreachableAtPhoneWidth(second)).toEqual([]);
    await priya.shoot('journey-incidents-more', second);
  });
});

describe('Priya Shah in the partnership channel', () => {
  it('asks for an incident there: the channel card is de-identified; View details sends the details to her private chat', JOURNEY, async () => {
    const priya = world.person('Priya Shah');
    const reference = filed.twoDays!;
    await priya.open('Stockport Priorities and Alerts');
    await priya.say(`incident ${reference}`, { mention: true });
    // Asked in the channel, the details go to her private chat at once; the channel sees only the de-identified card.
    const posted = await priya.card(new RegExp(`Incident ${reference}[\\s\\S]*View details`));
    expect(await posted.textContent()).not.toContain('Fireworks');
    // Pressed again later (the private card scrolled away): sent again, privately.
    await priya.click(posted, 'View details');
    const answered = await priya.card(/I have sent the details to your private chat/);
    expect(await answered.textContent()).not.toContain('Fireworks');
    await priya.shoot('journey-channel-view-details', answered);
    await priya.open('Personal Chat');
    const details = await priya.card(new RegExp(`${reference}[\\s\\S]*Fireworks let off at the bus stop`), { anyTime: true, timeoutMs: 30_000 });
    expect(await priya.unreachableAtPhoneWidth(details)).toEqual([]);
    await priya.shoot('journey-channel-view-details-private', details);
  });
});

describe('Aisha Rahman of Salix Homes asks Stockport Homes for incidents it holds; Maria Lopez, its approver, decides', () => {
  it('finds one by reference, is told only which organisation holds it and asks; Maria grants; Aisha is told and opens the details', JOURNEY, async () => {
    const aisha = world.person('Aisha Rahman');
    const maria = world.person('Maria Lopez');
    const reference = filed.lancashireHill!;
    await aisha.say(`search ${reference}`);
    const results = await aisha.card(/Held by an organisation that has not shared it with yours/);
    const text = (await results.textContent()) ?? '';
    expect(text).toMatch(/with yours: Stockport Homes\. Ask Stockport Homes for access/);
    expect(text).not.toContain('door knocking');
    expect(await aisha.unreachableAtPhoneWidth(results)).toEqual([]);
    await aisha.shoot('journey-search-held-elsewhere', results);
    await aisha.shootContrast('journey-search-held-elsewhere', results);
    await aisha.click(results, 'Ask Stockport Homes');
    const sent = await aisha.card('Request sent');
    expect(await sent.textContent()).toContain(`Stockport Homes' approver will decide whether to share what Stockport Homes holds there (${reference})`);

    const request = await maria.card(new RegExp(`Request to see incidents[\\s\\S]*${reference}`), { timeoutMs: 30_000 });
    expect(await request.textContent()).toMatch(/Aisha Rahman of Salix Homes/);
    expect(await maria.unreachableAtPhoneWidth(request)).toEqual([]);
    await maria.shoot('journey-search-access-request-reference', request);
    await maria.shootContrast('journey-search-access-request-reference', request);
    await maria.click(request, 'Approve');
    const shared = await maria.card(/now shared with Salix Homes/);
    expect(await shared.textContent()).toMatch(/Aisha Rahman has been told/);

    const told = await aisha.card(/Stockport Homes shared 1 incident/, { timeoutMs: 30_000 });
    expect(await aisha.unreachableAtPhoneWidth(told)).toEqual([]);
    await aisha.shoot('journey-search-access-granted', told);
    await aisha.shootContrast('journey-search-access-granted', told);
    await aisha.click(told, `Open ${reference}`);
    const details = await aisha.card(reference);
    expect(await details.textContent()).toContain('Repeated door knocking and shouting in the stairwell');
  });

  it('asks about the Brinnington estate last week; Maria refuses; Aisha is told in her chat', JOURNEY, async () => {
    const aisha = world.person('Aisha Rahman');
    const maria = world.person('Maria Lopez');
    await aisha.say('search Brinnington SK5 last 7 days');
    const results = await aisha.card(/Held by an organisation that has not shared them with yours/);
    expect(await results.textContent()).toMatch(/None you can open/);
    expect(await results.textContent()).toMatch(/with yours: Stockport Homes\./);
    await aisha.click(results, 'Ask Stockport Homes');
    await aisha.card('Request sent');

    const request = await maria.card(new RegExp(`Request to see incidents[\\s\\S]*${filed.sixDays}`), { timeoutMs: 30_000 });
    await maria.click(request, 'Decline');
    const declined = await maria.card(/Aisha Rahman has been told that Stockport Homes declined/);
    await maria.shoot('journey-search-access-refused', declined);

    const told = await aisha.card(/Stockport Homes declined your request/, { timeoutMs: 30_000 });
    expect(await told.textContent()).toMatch(/You asked to see what Stockport Homes holds about Brinnington, SK5/);
    expect(await aisha.unreachableAtPhoneWidth(told)).toEqual([]);
    await aisha.shoot('journey-search-access-refused-told', told);
  });

  it('asks Stockport Homes after five more searches while none is decided: the sixth is told to wait, and why, on her phone too; once Maria decides one she can ask', JOURNEY, async () => {
    const aisha = world.person('Aisha Rahman');
    const maria = world.person('Maria Lopez');
    const askAfter = async (q: string) => {
      await aisha.say(q);
      await aisha.click(await aisha.card(/Held by an organisation that has not shared them with yours/), 'Ask Stockport Homes');
    };
    // Five searches, each finding a different set of Stockport Homes' incidents: five requests waiting.
    for (const days of [3, 10, 20, 25, 30]) {
      await askAfter(`search Brinnington SK5 last ${days} days`);
      await aisha.card('Request sent');
    }
    await askAfter('search Brinnington SK5 last 22 days');
    const wait = await aisha.card('Wait for Stockport Homes to decide');
    const text = (await wait.textContent()) ?? '';
    expect(text).toContain("You have 5 requests waiting for Stockport Homes' approvers, the most one person can have waiting with one organisation (5). This one was not sent.");
    expect(text).toContain('You can ask again when Stockport Homes has decided one of them');
    expect(await aisha.unreachableAtPhoneWidth(wait)).toEqual([]);
    await aisha.shoot('journey-search-access-limit', wait);
    await aisha.shootContrast('journey-search-access-limit', wait);
    const waiting = (await world.runtime.ctx.store.accessRequests.listPartition('stockport-homes')).filter((r) => r.value.requester.displayName === 'Aisha Rahman' && r.value.status === 'pending');
    expect(waiting).toHaveLength(5);

    // Maria declines the first of them; Aisha's sixth then goes.
    const request = await maria.card(`to share 1 incident it holds there: ${filed.twoDays}.`, { timeoutMs: 30_000, anyTime: true });
    await maria.click(request, 'Decline');
    await maria.card(/Aisha Rahman has been told that Stockport Homes declined/);
    await askAfter('search Brinnington SK5 last 22 days');
    await aisha.card('Request sent');
  });
});
