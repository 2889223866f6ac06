/**
 * A stand-in year-scale incident set for the warnings benchmark, used until
 * the shared generator (scripts/data/yearScale.ts) lands: a year of
 * incidents across the 10 boroughs at the region's published scale (133,848
 * ASB incidents a year, one every four minutes) plus drugs, criminal damage
 * and other categories, each in one of 300 areas per district (a few take most), written as
 * incident rows (no history rows) in entity group transactions per
 * borough-week. Deterministic (seeded), so runs compare.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../../bot/kernel/context';
import { BOROUGHS, type BoroughId } from '../../../bot/common/borough';
import { DEFAULT_TIME_ZONE } from '../../../bot/kernel/config';
import { incidentPartitionKey } from '../../../bot/incidents/tables';
import type { IncidentCategory } from '../../../bot/common/taxonomy';
import type { IncidentRecord } from '../../../bot/incidents/model';

const DAY = 86_400_000;
const DISTRICTS: Record<BoroughId, string[]> = {
  bolton: ['BL1', 'BL2', 'BL3', 'BL4'], bury: ['BL8', 'BL9', 'M26'], manchester: ['M4', 'M11', 'M13', 'M14', 'M40'], oldham: ['OL1', 'OL4', 'OL8'],
  rochdale: ['OL11', 'OL12', 'OL16'], salford: ['M5', 'M6', 'M7'], stockport: ['SK1', 'SK2', 'SK4', 'SK5'], tameside: ['OL6', 'OL7', 'SK14'],
  trafford: ['M32', 'M33', 'M41'], wigan: ['WN1', 'WN2', 'WN5'],
};
/** Per year, region-wide. ASB at the published figure; the rest a plausible share of what landlords report. */
const PER_YEAR: [IncidentCategory, number][] = [
  ['asb-nuisance', 80_000], ['asb-personal', 33_848], ['asb-environmental', 20_000],
  ['drugs', 9_000], ['criminal-damage', 12_000], ['domestic-abuse', 6_000], ['burglary', 4_000], ['vehicle-crime', 3_000], ['other', 3_000],
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export interface GeneratedSet {
  incidents: number;
  partitions: number;
}

export async function loadWarningsYear(ctx: AppContext, opts: { end: Date; days?: number; scale?: number } = { end: new Date() }): Promise<GeneratedSet> {
  const days = opts.days ?? 365;
  const scale = opts.scale ?? 1;
  const rand = rng(20261125);
  const byPartition = new Map<string, IncidentRecord[]>();
  const counters = new Map<BoroughId, number>();
  const start = opts.end.getTime() - days * DAY;
  let total = 0;
  for (const [category, perYear] of PER_YEAR) {
    const n = Math.round((perYear * days * scale) / 365);
    for (let i = 0; i < n; i++) {
      const borough = BOROUGHS[Math.floor(rand() * BOROUGHS.length)]!.id;
      const districts = DISTRICTS[borough];
      const district = districts[Math.floor(rand() * districts.length)]!;
      // Skewed: a few areas take most incidents, as real hotspots do.
      const area = `Area ${Math.floor(rand() ** 3 * 300)} ${district}`;
      const occurredAt = new Date(start + Math.floor(rand() * days * DAY)).toISOString();
      const seq = (counters.get(borough) ?? 0) + 1;
      counters.set(borough, seq);
      const code = BOROUGHS.find((b) => b.id === borough)!.code;
      const record: IncidentRecord = {
        kind: 'incident', reference: `${code}-2026-${String(seq).padStart(6, '0')}`, borough, category, area, postcodeDistrict: district,
        occurredAt, reportedAt: occurredAt, summary: 'Generated incident for the warnings benchmark.',
        people: { victims: 0, suspects: 1, witnesses: 0, vulnerablePerson: false, childrenPresent: false },
        risk: 'standard', actions: ['none-yet'], sharedWith: ['gmp'], marking: 'OFFICIAL-SENSITIVE',
        reporter: { aadObjectId: '00000000-0000-4000-8000-000000000001', organisationId: 'stockport-homes', displayName: 'Bench' },
        restricted: {}, submissionId: randomUUID().replace(/-/g, ''), version: 1, updatedAt: occurredAt,
      };
      const pk = incidentPartitionKey(borough, occurredAt, DEFAULT_TIME_ZONE);
      let list = byPartition.get(pk);
      if (!list) byPartition.set(pk, (list = []));
      list.push(record);
      total++;
    }
  }
  const batches: IncidentRecord[][] = [];
  for (const list of byPartition.values()) for (let i = 0; i < list.length; i += 100) batches.push(list.slice(i, i + 100));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        await ctx.store.incidents.transact(batch.map((value) => ({ op: 'create' as const, value })));
      }
    }),
  );
  return { incidents: total, partitions: byPartition.size };
}
