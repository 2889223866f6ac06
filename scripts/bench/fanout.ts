/**
 * Alert fan-out benchmark: one alert to 300 channels through the real
 * outbox, sender and Teams transport, against a local Bot Connector that
 * enforces Teams' limits (50 sends/s per app, 7/s per conversation, 429 with
 * Retry-After beyond) and injects faults. Two sender instances run side by
 * side (two runtimes on one store, each woken in a loop as queue messages
 * would wake them); the sender lease lets one send at a time, so together
 * they keep to the per-app rate. Prints elapsed time as a ratio to
 * the floor those limits allow, and counts lost and duplicated messages.
 */
import { loadConfig } from '../../bot/kernel/config';
import { silentLogger } from '../../bot/kernel/logger';
import { raiseAlert } from '../../bot/alerts/raise';
import { deliveryStatus } from '../../bot/outbox/enqueue';
import { runSender } from '../../bot/outbox/run';
import { createRuntime } from '../../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { startFakeConnector } from '../../test/support/fakeConnector';
import { startAzurite } from '../azurite';

export interface FanoutResult {
  channels: number;
  elapsedMs: number;
  floorMs: number;
  ratio: number;
  lost: number;
  duplicated: number;
  throttled: number;
  injected: number;
  requests: number;
}

export async function measureFanout(channels = 300, rate = 50): Promise<FanoutResult> {
  const azurite = await startAzurite();
  const connector = await startFakeConnector();
  try {
    const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'bench' });
    const runtime = createRuntime(config, silentLogger);
    const second = createRuntime(config, silentLogger);
    const { ctx } = runtime;
    await ctx.store.ensureTables();
    await applyDemoPartnershipIfEmpty(ctx);
    const now = new Date().toISOString();
    await Promise.all(
      Array.from({ length: channels }, async (_, i) => {
        const id = `19:bench-${i}@thread.tacv2`;
        await ctx.store.conversations.upsert({ kind: 'channel', conversationId: id, serviceUrl: connector.serviceUrl, tenantId: 't', teamId: `team-${i % 30}`, channelId: id, channelName: `Channel ${i}`, installedAt: now });
        await ctx.store.channelMappings.upsert({ conversationId: id, teamId: `team-${i % 30}`, boroughs: ['stockport'], themes: [], mappedBy: '00000000-0000-4000-8000-000000000004', mappedAt: now });
      }),
    );
    connector.enforceLimits({ perSecond: rate, perConversationPerSecond: 7 });
    // Faults at the start of the run: two 5xx, one 429 with Retry-After, one reset connection.
    connector.failNext({ status: 503 }, { status: 429, retryAfter: 1 }, { status: 502 }, { status: -1 });

    const result = await raiseAlert(ctx, {
      alertId: 'alert-bench-1',
      source: 'api',
      organisationId: 'gmp',
      displayName: 'Stockport district',
      input: { severity: 'high', boroughs: ['stockport'], themeId: 'public-safety', title: 'Benchmark alert to every channel', body: 'Load test of the partnership alert fan-out.', expiresInDays: 1, marking: 'OFFICIAL' },
    });
    if (!result.ok) throw new Error('alert was not raised');

    const started = Date.now();
    let done = false;
    const instance = async (rt: typeof runtime, holder: string) => {
      while (!done) {
        await runSender(rt.ctx, rt.transport, { holder });
        const status = await deliveryStatus(rt.ctx, 'alert-bench-1');
        if (status.delivered + status.failed + status.removed >= channels || Date.now() - started > 120_000) done = true;
        else await new Promise((r) => setTimeout(r, 50));
      }
    };
    await Promise.all([instance(runtime, 'instance-1'), instance(second, 'instance-2')]);
    const elapsedMs = Date.now() - started;
    const received = connector.sent.filter((a) => a.method === 'POST').map((a) => a.conversationId);
    const unique = new Set(received);
    // Teams' own arithmetic: 300 channels take at least 6 s at 50 requests per second.
    const floorMs = (channels / rate) * 1000;
    return {
      channels,
      elapsedMs,
      floorMs,
      ratio: elapsedMs / floorMs,
      lost: channels - unique.size,
      duplicated: received.length - unique.size,
      throttled: connector.stats.throttled,
      injected: connector.stats.injected,
      requests: connector.stats.requests,
    };
  } finally {
    await connector.close();
    await azurite.stop();
  }
}

export async function run() {
  const r = await measureFanout();
  return [
    { name: `alert fan-out to ${r.channels} channels, two sender instances (time / rate-limit floor ${(r.floorMs / 1000).toFixed(0)} s)`, value: Number(r.ratio.toFixed(2)), unit: 'x', goal: '≤ 1.10', ok: r.ratio <= 1.1 },
    { name: 'alert fan-out elapsed', value: r.elapsedMs, unit: 'ms', goal: '-', ok: true },
    { name: 'alert fan-out lost', value: r.lost, unit: 'messages', goal: '0', ok: r.lost === 0 },
    { name: 'alert fan-out duplicated', value: r.duplicated, unit: 'messages', goal: '0', ok: r.duplicated === 0 },
    { name: 'alert fan-out 429s from the connector (limits enforced)', value: r.throttled, unit: 'responses', goal: '0 (paced)', ok: r.throttled === 0 },
    { name: 'alert fan-out faults injected', value: r.injected, unit: 'faults', goal: '-', ok: true },
  ];
}

if (require.main === module) {
  measureFanout().then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
