/**
 * "Place + district" search ("Brinnington SK5") reads one partition of the search index, the place word within the
 * postcode district, rather than the word's partition filtered by district in the service (on Azure, a filter reads
 * every row of the word's partition until a page is full: unbounded for a common word). Incidents stored before those
 * partitions existed are indexed by a one-off pass, idempotent and resumable, and until it has finished the search
 * reads the old way, so nothing is ever missing from an answer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { indexPlacesWithinDistricts } from '../bot/search/backfill';
import { finderSlotsOf } from '../bot/search/repository';
import { finderKey, WORD_IN_DISTRICT } from '../bot/search/rules/keys';
import { countsBetween, type StorageProxy } from '../scripts/bench/support/storageProxy';
import { PRIYA, TOM, textOfCard, type BotHarness } from './support/botHarness';
import { pressButton, reportForm, reportIncident, startBotBehindProxy } from './support/botTurns';
import type { IncidentRecord } from '../bot/incidents/model';

let bot: BotHarness;
let proxy: StorageProxy;
const ctx = () => bot.runtime.ctx;
const store = () => ctx().store;

beforeAll(async () => {
  ({ bot, proxy } = await startBotBehindProxy());
}, 60_000);
afterAll(async () => bot?.close());

const form = (over: Record<string, unknown>) => reportForm({ occurredDate: '2026-11-20', ...over });
const report = (over: Record<string, unknown>) => reportIncident(bot, PRIYA, form(over));
const search = (q: string) => pressButton(bot, TOM, 'incidents.search', { q, from: '', to: '' });
/** The incidents listed on a results card (each line starts with its reference; the input's example is not one). */
const refsOn = (card: any) => [...new Set([...textOfCard(card).matchAll(/([A-Z]{3}-\d{4}-\d{6}) · /g)].map((m) => m[1]!))].sort();

/** The finder partitions a turn read, by watching the one function that reads them. */
async function partitionsRead<T>(turn: () => Promise<T>): Promise<{ answer: T; partitions: string[] }> {
  const spy = vi.spyOn(store().incidentFinder, 'page');
  try {
    const answer = await turn();
    return { answer, partitions: spy.mock.calls.map((c) => c[0]) };
  } finally {
    spy.mockRestore();
  }
}

/** As the code before place-and-district keys stored an incident: no such rows, none recorded on its index row. */
async function asStoredBefore(reference: string) {
  const index = (await store().incidentIndex.get({ partitionKey: reference, rowKey: 'i' }))!;
  const combined = (index.value.finderKeys ?? []).filter((s) => s.startsWith(WORD_IN_DISTRICT));
  for (const slot of combined) {
    const [partitionKey, rowKey] = slot.split(' ') as [string, string];
    await store().incidentFinder.delete({ partitionKey, rowKey });
  }
  await store().incidentIndex.upsert({ ...index.value, finderKeys: (index.value.finderKeys ?? []).filter((s) => !combined.includes(s)) });
}
const combinedRows = async (reference: string, word: string, district: string) =>
  (await store().incidentFinder.query(`PartitionKey eq '${finderKey.wordInDistrict(word, district)}'`)).filter((r) => r.value.reference === reference);

describe('"place + district" search', () => {
  let inSk5: string;
  let inSk6: string;
  let older: string;
  beforeAll(async () => {
    inSk5 = await report({});
    inSk6 = await report({ postcodeDistrict: 'SK6', summary: 'Motorbikes ridden on the footpath behind the flats every evening.' });
    older = await report({ occurredDate: '2026-11-18', summary: 'Graffiti on the bus shelter by the shops, offensive words.' });
    await search(''); // the caller's first turn of the day records their Teams id: not part of the counts below
  }, 120_000);

  it('reads the word within the district: one partition, one request, no filter; the word alone still finds every district', async () => {
    // Incidents written by this version carry the keys; the pass finds nothing left to do and marks the index complete.
    expect(await indexPlacesWithinDistricts(ctx(), { budget: 100 })).toEqual({ reindexed: 0, complete: true });
    const before = proxy.snapshot();
    const { answer, partitions } = await partitionsRead(() => search('Brinnington SK5'));
    const requests = countsBetween(before, proxy.snapshot());
    expect(refsOn(answer)).toEqual([inSk5, older].sort());
    expect(partitions).toEqual(['wd|brinnington|SK5']);
    // Identify the caller (their member row and the directory head: 2) and the one finder page; the organisation names
    // come from the directory version read to identify them.
    expect(requests.total).toBe(3);
    expect(requests.byKind.partition).toBe(1);
    expect(refsOn(await search('Brinnington'))).toEqual([inSk5, inSk6, older].sort());
    expect(refsOn(await search('Brinnington SK6'))).toEqual([inSk6]);
  });

  it('follows the incident: an edited place or district leaves its old partition, in the same write', async () => {
    const editForm = await pressButton(bot, PRIYA, 'incident.edit.form', { reference: inSk6 });
    const { submissionId, baseVersion } = editForm.actions[0].data;
    await pressButton(bot, PRIYA, 'incident.edit.submit', { ...form({ area: 'Reddish Vale', postcodeDistrict: 'SK5', summary: 'Motorbikes ridden on the footpath behind the flats every evening.' }), reference: inSk6, submissionId, baseVersion });
    expect(await combinedRows(inSk6, 'brinnington', 'SK6')).toEqual([]);
    expect(await combinedRows(inSk6, 'reddish', 'SK5')).toHaveLength(1);
    expect(refsOn(await search('Reddish SK5'))).toEqual([inSk6]);
    expect(refsOn(await search('Brinnington SK6'))).toEqual([]);
  });
});

describe('incidents stored before the key existed', () => {
  let legacy: string[];
  beforeAll(async () => {
    await bot.close();
    ({ bot, proxy } = await startBotBehindProxy());
    legacy = [await report({}), await report({ area: 'Brinnington Road, Hulme Court', occurredDate: '2026-11-19' }), await report({ postcodeDistrict: 'SK6' })];
    for (const reference of legacy) await asStoredBefore(reference);
  }, 120_000);

  it('are found by the old read until the pass has indexed them all; the pass is resumable, then marks the index, then has nothing to do', async () => {
    const first = await partitionsRead(() => search('Brinnington SK5'));
    expect(refsOn(first.answer)).toEqual([legacy[0]!, legacy[1]!].sort());
    expect(first.partitions).toEqual(['w|brinnington']);

    // A budget of one: one incident indexed, not complete, and searches still read the old way.
    expect(await indexPlacesWithinDistricts(ctx(), { budget: 1 })).toEqual({ reindexed: 1, complete: false });
    expect((await partitionsRead(() => search('Brinnington SK5'))).partitions).toEqual(['w|brinnington']);
    // The next run carries on where that one stopped, and finishes.
    expect(await indexPlacesWithinDistricts(ctx(), { budget: 100 })).toEqual({ reindexed: 2, complete: true });
    expect(await indexPlacesWithinDistricts(ctx(), { budget: 100 })).toEqual({ reindexed: 0, complete: true });

    for (const reference of legacy) {
      const record = (await store().incidents.query(`RowKey eq '${reference}'`))[0]!.value as IncidentRecord;
      const index = (await store().incidentIndex.get({ partitionKey: reference, rowKey: 'i' }))!.value;
      // Every row recorded on the index row, so a later edit knows to remove it.
      expect(index.finderKeys!.sort()).toEqual(finderSlotsOf(ctx(), record).sort());
    }
    const after = await partitionsRead(() => search('Brinnington SK5'));
    expect(refsOn(after.answer)).toEqual([legacy[0]!, legacy[1]!].sort());
    expect(after.partitions).toEqual(['wd|brinnington|SK5']);
    expect(refsOn(await search('Hulme SK5'))).toEqual([legacy[1]!]);
    expect(refsOn(await search('Brinnington SK6'))).toEqual([legacy[2]!]);
  });
});
