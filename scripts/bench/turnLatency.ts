/**
 * Bot turn latency: `help`, an incident report submitted from its card
 * (Action.Execute `incident.submit`) and the incident list (`incidents`), at
 * 1, 10 and 50 concurrent users. Each request is a real POST /api/messages
 * through the local Functions host (the same handlers as in Azure), against
 * Azurite, with replies going to a local fake Bot Connector. Users are a
 * closed loop: each sends its next request when the last one is answered.
 *
 * What a figure includes: the HTTP round trip to the host, the turn (storage
 * reads and writes on Azurite), and for messages the reply's POST to the
 * connector (botbuilder sends it inside the turn). Reports are spread over
 * the 10 boroughs, as real ones are; reports in one borough share one
 * reference counter row (ETag retries), so that is the contended write.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../bot/kernel/config';
import { silentLogger } from '../../bot/kernel/logger';
import { BOROUGHS } from '../../bot/common/borough';
import { createRuntime } from '../../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { startFakeConnector } from '../../test/support/fakeConnector';
import { startAzurite } from '../azurite';
import { startLocalHost } from '../localFunctionsHost';
import type { BenchRow } from './types';
import { closedLoop, latencyRows, printLatencyTable, type LatencySummary } from './support/latency';

const TENANT = '00000000-0000-4000-8000-0000000c0dec';
/** Registered demo members (env/partnership.demo.json): a housing officer, police, a Salix officer. */
const USERS = [
  { aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' },
  { aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' },
  { aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman' },
];
const POSTCODE: Record<string, string> = {
  bolton: 'BL1', bury: 'BL9', manchester: 'M1', oldham: 'OL1', rochdale: 'OL11', salford: 'M5', stockport: 'SK5', tameside: 'OL6', trafford: 'M32', wigan: 'WN1',
};

type Kind = 'help' | 'report' | 'incidents';
const LEVELS = [1, 10, 50] as const;

/** Goals, per user need rather than per measurement: a reply that feels immediate, a save under a second. */
const GOALS: Record<Kind, { p50: number; p99: (users: number) => number; why: string }> = {
  help: { p50: 100, p99: (u) => (u <= 10 ? 200 : 500), why: 'a reply that feels immediate' },
  report: { p50: 500, p99: () => 1000, why: 'a report saved and confirmed within a second' },
  incidents: { p50: 300, p99: () => 1000, why: 'a list within a second' },
};

export interface LatencyResult extends LatencySummary {
  kind: Kind;
  users: number;
  /** Incident reports in the store when this was measured. */
  reportsInStore: number;
}

export async function measureTurnLatency(opts: { samplesPerUser?: (users: number) => number } = {}): Promise<LatencyResult[]> {
  const azurite = await startAzurite();
  const connector = await startFakeConnector();
  const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'benchturn', PORT: '0' }), silentLogger);
  await runtime.ctx.store.ensureTables();
  await applyDemoPartnershipIfEmpty(runtime.ctx);
  const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false });
  const samplesPerUser = opts.samplesPerUser ?? ((u: number) => (u === 1 ? 60 : u === 10 ? 12 : 6));
  let seq = 0;

  const activity = (userIndex: number, extra: Record<string, unknown>) => {
    const user = USERS[userIndex % USERS.length]!;
    const conversation = `a:bench-${userIndex}`;
    return {
      id: `bench-${++seq}`,
      channelId: 'msteams',
      serviceUrl: connector.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: `29:bench-${userIndex}`, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: '28:concordat-bot', name: 'Concordat' },
      conversation: { id: conversation, conversationType: 'personal', tenantId: TENANT, isGroup: false },
      channelData: { tenant: { id: TENANT } },
      locale: 'en-GB',
      ...extra,
    };
  };
  const reportData = (i: number) => {
    const borough = BOROUGHS[i % BOROUGHS.length]!.id;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    return {
      verb: 'incident.submit',
      submissionId: randomUUID().replace(/-/g, ''),
      category: 'asb-nuisance', hateCrimeStrand: '', borough, area: 'Town centre precinct', postcodeDistrict: POSTCODE[borough] ?? 'M1',
      fullAddress: '', occurredDate: yesterday, occurredTime: '12:00', summary: 'Group of youths throwing stones at passing buses near the shops.',
      details: '', victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '',
      risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    };
  };
  const bodyFor = (kind: Kind, userIndex: number, i: number) =>
    kind === 'report'
      ? activity(userIndex, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'incident.submit', data: reportData(i) }, trigger: 'manual' } })
      : activity(userIndex, { type: 'message', text: kind });

  const once = async (kind: Kind, userIndex: number, i: number): Promise<{ ms: number; ok: boolean }> => {
    const body = JSON.stringify(bodyFor(kind, userIndex, i));
    const started = performance.now();
    const res = await fetch(`${host.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    const ms = performance.now() - started;
    const ok = res.status === 200 && (kind !== 'report' || /Recorded: [A-Z]{3}-\d{4}-\d{6}/.test(text));
    return { ms, ok };
  };

  try {
    // Warm-up: connections, first-use code paths, table creation on first write.
    for (const kind of ['help', 'report', 'incidents'] as Kind[]) for (let i = 0; i < 5; i++) await once(kind, i, i);

    const results: LatencyResult[] = [];
    let reportNo = 1000;
    let reportsInStore = 5;
    for (const kind of ['help', 'report', 'incidents'] as Kind[]) {
      for (const users of LEVELS) {
        const measured = await closedLoop(users, samplesPerUser(users), (u) => once(kind, u, reportNo++));
        if (kind === 'report') reportsInStore += measured.samples - measured.errors;
        results.push({ kind, users, ...measured, reportsInStore });
      }
    }
    return results;
  } finally {
    await host.close();
    await connector.close();
    await azurite.stop();
  }
}

const LABEL: Record<Kind, string> = {
  help: '`help` reply',
  report: 'incident report submit (Action.Execute)',
  incidents: '`incidents` list',
};

export async function run(): Promise<BenchRow[]> {
  const results = await measureTurnLatency();
  return results.flatMap((r) => {
    const goal = GOALS[r.kind];
    const stored = r.kind === 'incidents' ? `${r.reportsInStore} reports stored, about a third by the caller's organisation, all listed within 30 days` : undefined;
    return latencyRows(LABEL[r.kind], r.users, r, { p50: goal.p50, p99: goal.p99(r.users) }, { ...(stored ? { p50: stored } : {}), p99: goal.why });
  });
}

if (require.main === module) {
  measureTurnLatency().then(
    (r) => {
      printLatencyTable(r);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
