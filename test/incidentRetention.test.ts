/**
 * How long incidents are kept is the partnership's decision, written in its
 * file (`settings.incidentRetentionMonths`): the nightly retention run reads
 * the file in force, and every copy of an incident's details (the incident
 * and its history, the finder rows that search reads, the complaint index)
 * goes when that many months have passed, not INCIDENT_RETENTION_MONTHS.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { runRetention } from '../bot/retention/run';
import { DEMO_PARTNERSHIP } from '../scripts/demoPartnership';
import { auditOf } from './support/audit';
import { activityFrom, DAN, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';

let bot: BotHarness;
beforeAll(async () => {
  // INCIDENT_RETENTION_MONTHS says 13 (the default): only the file's value may decide below.
  bot = await startBotHarness({ start: new Date('2026-01-15T10:00:00Z') });
});
afterAll(async () => bot?.close());

const ctx = () => bot.runtime.ctx;
const store = () => bot.runtime.ctx.store;
const months = (n: number, from: string) => {
  const d = new Date(from);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d;
};

/** The partnership file as the administrators change it: the demo file with another retention period. */
async function applyRetentionMonths(n: number): Promise<void> {
  const file = structuredClone(DEMO_PARTNERSHIP) as { settings: Record<string, unknown> };
  file.settings.incidentRetentionMonths = n;
  const applied = await applyDirectoryFile(ctx(), file, { aadObjectId: DAN.aadObjectId });
  expect(applied.ok, JSON.stringify(applied)).toBe(true);
}

/** Priya reports an incident naming a street and a household reference; returns its reference. */
async function report(area: string, household: string): Promise<string> {
  const verb = 'incident.submit';
  const data = {
    verb, submissionId: randomUUID().replace(/-/g, ''),
    category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area, postcodeDistrict: 'SK5',
    fullAddress: `4 ${area}, Stockport SK5 7QT`, occurredDate: bot.now.value.toISOString().slice(0, 10), occurredTime: '09:30',
    summary: `Shouting and banging every night this week at ${area}.`, details: '', victims: '1', suspects: '1', witnesses: '0',
    vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard', actions: 'reported-to-police',
    sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE', householdReference: household,
  };
  const res = await bot.post(activityFrom(bot.connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } }));
  const reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(res.body.value))?.[1];
  expect(reference, textOfCard(res.body.value).slice(0, 300)).toBeDefined();
  return reference!;
}

/** Which of these words are anywhere in the incident tables, the search finder or the complaint index. */
async function stillStored(words: string[]): Promise<string[]> {
  const rows = await Promise.all(
    [store().incidents, store().incidentFinder, store().complaintIndex].map((t) => (t as unknown as { query(f: string): Promise<{ value: unknown }[]> }).query("PartitionKey ne ''")),
  );
  const text = JSON.stringify(rows.flat().map((r) => r.value));
  return words.filter((w) => text.includes(w));
}
const complaintRows = async () => (await store().complaintIndex.query("PartitionKey ne ''")).length;

describe("incident retention follows the partnership file's incidentRetentionMonths", () => {
  let first = '';

  it('a file that keeps incidents 6 months: after 7 months the incident, its finder rows and its complaint index entry are cleared', async () => {
    await applyRetentionMonths(6);
    first = await report('Larkhill Crescent', 'STO/TEN 550912');
    expect(await stillStored(['Larkhill Crescent'])).toEqual(['Larkhill Crescent']);
    expect(await complaintRows()).toBe(1);

    bot.now.value = months(7, '2026-01-15T10:00:00Z');
    const run = await runRetention(ctx());
    expect(run.failed).toEqual([]);
    expect(run.steps.find((s) => s.table === 'Incidents')).toMatchObject({ count: 1 }); // 13 months would have kept it another half year
    expect(await stillStored(['Larkhill Crescent'])).toEqual([]);
    expect(await complaintRows()).toBe(0);
    const erasure = (await auditOf(store(), `incident:${first}`)).find((e) => e.action === 'erasure');
    expect(erasure?.note).toMatch(/^anonymised after 6 months/);
  });

  it('a file that keeps them 24 months: 14 months on nothing is cleared; after 24 months it is', async () => {
    await applyRetentionMonths(24);
    const reportedAt = bot.now.value.toISOString();
    const second = await report('Tiviot Dale', 'STO/TEN 771203');
    expect(await complaintRows()).toBe(1);

    bot.now.value = months(14, reportedAt);
    let run = await runRetention(ctx());
    expect(run.failed).toEqual([]);
    expect(run.steps.find((s) => s.table === 'Incidents')).toMatchObject({ count: 0 });
    expect(await stillStored(['Tiviot Dale'])).toEqual(['Tiviot Dale']); // INCIDENT_RETENTION_MONTHS (13) would have cleared it
    expect(await complaintRows()).toBe(1);

    bot.now.value = months(24, reportedAt);
    bot.now.value = new Date(bot.now.value.getTime() + 86_400_000);
    run = await runRetention(ctx());
    expect(run.failed).toEqual([]);
    expect(await stillStored(['Tiviot Dale'])).toEqual([]);
    expect(await complaintRows()).toBe(0);
    expect((await auditOf(store(), `incident:${second}`)).find((e) => e.action === 'erasure')?.note).toMatch(/^anonymised after 24 months/);
  });
});
