/**
 * Delivery on time: how long from a person's tap, or an accepted alert, to
 * the message arriving at the Bot Connector, now that enqueueing wakes the
 * sender (a Storage queue message on Azurite, run by the local Functions
 * host's queue trigger, polled as host.json says) instead of a 5-second
 * timer. Timers are off: only the wake can deliver. Also counts the timer
 * executions of an idle day from the registry's schedules.
 *
 * - "View details" in a channel → the private card posted to the person's
 *   1:1 chat (the connector receives it).
 * - An alert accepted (raiseAlert returned: stored and enqueued) → its first
 *   channel post.
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
import { matches, parseNcrontab } from '../ncrontab';
import { execute, textOf, type BenchUser } from './support/turns';
import { percentile, type BenchRow } from './types';

const PRIYA: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' };
const TOM: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' };

/** Timer executions in one UTC day, second by second from each NCRONTAB schedule. */
export function idleTimerExecutionsPerDay(): { total: number; byTimer: Record<string, number> } {
  const day = Date.parse('2026-11-25T00:00:00Z');
  const byTimer: Record<string, number> = {};
  for (const t of TIMER_FUNCTIONS) {
    const schedule = parseNcrontab(t.schedule);
    let n = 0;
    for (let s = 0; s < 86_400; s++) if (matches(schedule, new Date(day + s * 1000))) n++;
    byTimer[t.name] = n;
  }
  return { total: Object.values(byTimer).reduce((a, b) => a + b, 0), byTimer };
}

export async function measureDelivery(samples = 30): Promise<{ tap: number[]; alert: number[]; tapErrors: number; alertErrors: number }> {
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
    let tapErrors = 0;
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const r = await execute(host.url, connector.serviceUrl, TOM, 1, 'incident.view', { reference }, { id: channelId, conversationType: 'channel', teamId: '19:bench-team' });
      const ms = r.status === 200 ? await arrival((a) => a.conversationId === tomChat, started) : undefined;
      if (ms === undefined) tapErrors++;
      else tap.push(ms);
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 400)); // people do not tap in lockstep with the poller
    }

    const alert: number[] = [];
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
      const ms = result.ok ? await arrival((a) => a.conversationId === channelId, started) : undefined;
      if (ms === undefined) alertErrors++;
      else alert.push(ms);
      await new Promise((res) => setTimeout(res, 100 + Math.random() * 400));
    }
    await host.close();
    return { tap, alert, tapErrors, alertErrors };
  } finally {
    await connector.close();
    await azurite.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const idle = idleTimerExecutionsPerDay();
  const m = await measureDelivery();
  const p = (xs: number[], q: number) => Math.round(percentile(xs, q));
  return [
    { name: 'idle deployment: timer executions a day', value: idle.total, unit: 'runs', goal: '<= 4,500 (was 20,281)', ok: idle.total <= 4500, note: Object.entries(idle.byTimer).map(([k, v]) => `${k} ${v}`).join(', ') },
    { name: '"View details" tap → private card posted: p50', value: p(m.tap, 50), unit: 'ms', goal: '< 500 ms', ok: m.tapErrors === 0 && percentile(m.tap, 50) < 500, note: `${m.tap.length} taps${m.tapErrors ? `, ${m.tapErrors} NOT DELIVERED` : ''}; queue wake, local host polling as host.json` },
    { name: '"View details" tap → private card posted: p99', value: p(m.tap, 99), unit: 'ms', goal: '< 1,500 ms', ok: m.tapErrors === 0 && percentile(m.tap, 99) < 1500, note: 'was up to 5 s (5-second outbox timer)' },
    { name: 'alert accepted → first channel post: p50', value: p(m.alert, 50), unit: 'ms', goal: '< 1,000 ms', ok: m.alertErrors === 0 && percentile(m.alert, 50) < 1000, note: `${m.alert.length} alerts${m.alertErrors ? `, ${m.alertErrors} NOT DELIVERED` : ''}` },
  ];
}

if (require.main === module) {
  measureDelivery().then(
    (r) => {
      const p = (xs: number[], q: number) => percentile(xs, q).toFixed(0);
      console.log(JSON.stringify({ idle: idleTimerExecutionsPerDay(), tap: { p50: p(r.tap, 50), p99: p(r.tap, 99), n: r.tap.length, errors: r.tapErrors }, alert: { p50: p(r.alert, 50), p99: p(r.alert, 99), n: r.alert.length, errors: r.alertErrors } }, null, 2));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
