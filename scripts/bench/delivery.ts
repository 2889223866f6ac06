/**
 * Delivery on time: how long from a person's tap, or an accepted alert, to
 * the message arriving at the Bot Connector, now that enqueueing wakes the
 * sender (a Storage queue message on Azurite, run by the local Functions
 * host's queue trigger, polled as host.json says) instead of a 5-second
 * timer. Timers are off: only the wake can deliver. Also counts the timer
 * executions of an idle day from the registry's schedules.
 *
 * - "View details" in a channel → the private card posted to the person's
 *   1:1 chat (the connector receives it), timed from the tap.
 * - The same tap by someone Concordat has no 1:1 chat with (a shared-channel
 *   guest): the private card is the tap's own answer, shown to them alone.
 * - An alert accepted (raiseAlert returned: stored and enqueued) → its first
 *   channel post, timed from the call.
 *
 * Baselines in the same run: the tap's own turn (its HTTP answer: access
 * check, audit, enqueue) and the alert's own acceptance (raiseAlert's
 * return). What delivery adds is the figure minus its baseline: the queue
 * wake, the sender's pass and the POST to the connector.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../bot/kernel/config';
import { silentLogger } from '../../bot/kernel/logger';
import { raiseAlert } from '../../bot/alerts/raise';
import { createRuntime } from '../../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { TIMER_FUNCTIONS } from '../../functions/registry';
import { startFakeConnector } from '../../test/support/fakeConnector';
import { startAzurite } from '../azurite';
import { startLocalHost } from '../localFunctionsHost';
import { runsPerDay } from '../ncrontab';
import { execute, textOf, type BenchUser } from './support/turns';
import type { BenchRow } from './types';
import { latencyRows, summarise } from './support/latency';

const PRIYA: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' };
const TOM: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' };

/** Timer executions in one UTC day, second by second from each NCRONTAB schedule. */
export function idleTimerExecutionsPerDay(): { total: number; byTimer: Record<string, number> } {
  const byTimer = Object.fromEntries(TIMER_FUNCTIONS.map((t) => [t.name, runsPerDay(t.schedule)]));
  return { total: Object.values(byTimer).reduce((a, b) => a + b, 0), byTimer };
}

export interface DeliveryMeasurement {
  /** Tap → private card at the connector; `tapTurn`: the tap's own HTTP answer. */
  tap: number[];
  tapTurn: number[];
  tapErrors: number;
  /** Tap by someone with no 1:1 chat → the details as the tap's answer. */
  inPlace: number[];
  inPlaceErrors: number;
  /** raiseAlert called → first channel post at the connector; `alertAccepted`: raiseAlert's return. */
  alert: number[];
  alertAccepted: number[];
  alertErrors: number;
}

export async function measureDelivery(samples = 30): Promise<DeliveryMeasurement> {
  const azurite = await startAzurite();
  const connector = await startFakeConnector();
  try {
    const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'benchdl', PORT: '0' }), silentLogger);
    const { ctx } = runtime;
    await ctx.store.ensureTables();
    await applyDemoPartnershipIfEmpty(ctx);
    const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false, queues: true });
    const installedAt = new Date().toISOString();
    const tomChat = 'a:bench-tom-private';
    await ctx.store.conversations.upsert({ kind: 'personal', conversationId: tomChat, serviceUrl: connector.serviceUrl, tenantId: 't', userAadObjectId: TOM.aadObjectId, installedAt });
    const channelId = '19:bench-stockport@thread.tacv2';
    await ctx.store.conversations.upsert({ kind: 'channel', conversationId: channelId, serviceUrl: connector.serviceUrl, tenantId: 't', teamId: '19:bench-team', channelId, installedAt });
    await ctx.store.channelMappings.upsert({ conversationId: channelId, teamId: '19:bench-team', boroughs: ['stockport'], themes: [], mappedBy: '00000000-0000-4000-8000-000000000004', mappedAt: installedAt });

    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const reported = await execute(host.url, connector.serviceUrl, PRIYA, 0, 'incident.submit', {
      submissionId: randomUUID().replace(/-/g, ''), category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Town centre precinct', postcodeDistrict: 'SK1',
      fullAddress: '', occurredDate: yesterday, occurredTime: '12:00', summary: 'Group of youths throwing stones at passing buses near the shops.', details: '',
      victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
      actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    });
    const reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOf(reported.card))?.[1];
    if (!reference) throw new Error(`the benchmark incident was not recorded: ${textOf(reported.card).slice(0, 200)}`);

    const arrival = async (pred: (a: { conversationId: string }) => boolean, from: number, timeoutMs = 10_000): Promise<number | undefined> => {
      while (performance.now() - from < timeoutMs) {
        const hit = connector.sent.find((a) => pred(a) && !seen.has(a));
        if (hit) {
          seen.add(hit);
          return performance.now() - from;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      return undefined;
    };
    const seen = new Set<unknown>();
    const tap: number[] = [];
    const tapTurn: number[] = [];
    let tapErrors = 0;
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const r = await execute(host.url, connector.serviceUrl, TOM, 1, 'incident.view', { reference }, { id: channelId, conversationType: 'channel', teamId: '19:bench-team' });
      const ms = r.status === 200 && /sent the details to your private chat/.test(textOf(r.card)) ? await arrival((a) => a.conversationId === tomChat, started) : undefined;
      tapTurn.push(r.ms);
      if (ms === undefined) tapErrors++;
      else tap.push(ms);
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 400)); // people do not tap in lockstep with the poller
    }

    // Priya reported it (her organisation's own), and Concordat has no 1:1 chat with her here: details in place.
    const inPlace: number[] = [];
    let inPlaceErrors = 0;
    for (let i = 0; i < samples; i++) {
      const r = await execute(host.url, connector.serviceUrl, PRIYA, 2, 'incident.view', { reference }, { id: channelId, conversationType: 'channel', teamId: '19:bench-team' });
      inPlace.push(r.ms);
      if (r.status !== 200 || !/Only you can see this/.test(textOf(r.card))) inPlaceErrors++;
      await new Promise((res) => setTimeout(res, 50));
    }

    const alert: number[] = [];
    const alertAccepted: number[] = [];
    let alertErrors = 0;
    for (let i = 0; i < Math.ceil(samples / 2); i++) {
      const started = performance.now();
      const result = await raiseAlert(ctx, {
        alertId: `alert-bench-${i}-${randomUUID().slice(0, 8)}`,
        source: 'api',
        organisationId: 'gmp',
        displayName: 'Stockport district',
        input: { severity: 'high', boroughs: ['stockport'], themeId: 'public-safety', title: 'Benchmark alert', body: 'Latency test of the partnership alert.', expiresInDays: 1, marking: 'OFFICIAL' },
      });
      alertAccepted.push(performance.now() - started);
      const ms = result.ok ? await arrival((a) => a.conversationId === channelId, started) : undefined;
      if (ms === undefined) alertErrors++;
      else alert.push(ms);
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 400));
    }
    await host.close();
    return { tap, tapTurn, tapErrors, inPlace, inPlaceErrors, alert, alertAccepted, alertErrors };
  } finally {
    await connector.close();
    await azurite.stop();
  }
}

export function rowsOf(m: DeliveryMeasurement, idle = idleTimerExecutionsPerDay()): BenchRow[] {
  // Every sample not delivered counts as a failed turn: the goal is missed however fast the others were.
  const tap = summarise(m.tap.length ? m.tap : [Number.NaN], m.tapErrors);
  const tapTurn = summarise(m.tapTurn);
  const alert = summarise(m.alert.length ? m.alert : [Number.NaN], m.alertErrors);
  const accepted = summarise(m.alertAccepted);
  const ratio = (x: number, base: number, what: string) => `${(x / base).toFixed(2)}x ${what} (${base.toFixed(0)} ms, same run); delivery adds ${Math.max(0, x - base).toFixed(0)} ms`;
  const [alertP50] = latencyRows('alert accepted → first channel post', 1, alert, { p50: 1000 }, { p50: ratio(alert.p50, accepted.p50, "the alert's own acceptance") });
  return [
    { name: 'idle deployment: timer executions a day', value: idle.total, unit: 'runs', goal: '<= 4,500 (was 20,281)', ok: idle.total <= 4500, note: Object.entries(idle.byTimer).map(([k, v]) => `${k} ${v}`).join(', ') },
    ...latencyRows('"View details" tap in a channel → private card posted', 1, tap, { p50: 500, p99: 1500 }, {
      p50: `${m.tapErrors ? `${m.tapErrors} NOT DELIVERED; ` : ''}${ratio(tap.p50, tapTurn.p50, "the tap's own turn")}`,
      p99: 'queue wake, local host polling as host.json; was up to 5 s (5-second outbox timer)',
    }),
    ...latencyRows('baseline: the tap\'s own turn (access check, audit, enqueue)', 1, tapTurn, {}),
    ...latencyRows('"View details" tap, no 1:1 chat → private card as the tap\'s answer', 1, summarise(m.inPlace, m.inPlaceErrors), { p50: 500, p99: 1500 }, {
      p99: 'a shared-channel guest: Teams shows the answer to the presser alone',
    }),
    { ...alertP50!, note: `${m.alertErrors ? `${m.alertErrors} NOT DELIVERED; ` : ''}${alertP50!.note}` },
    ...latencyRows("baseline: the alert's own acceptance (stored and enqueued)", 1, accepted, {}).slice(0, 1),
  ];
}

export async function run(): Promise<BenchRow[]> {
  return rowsOf(await measureDelivery());
}

if (require.main === module) {
  measureDelivery().then(
    (m) => {
      for (const r of rowsOf(m)) console.log(`${r.name}: ${r.value} ${r.unit} (goal ${r.goal ?? '-'}${r.ok === false ? ', MISSED' : ''}) ${r.note ?? ''}`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
