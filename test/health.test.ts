import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/kernel/config';
import { silentLogger } from '../bot/kernel/logger';
import { createRuntime } from '../bot/runtime';
import { startAzurite } from '../scripts/azurite';
import { startLocalHost } from '../scripts/localFunctionsHost';
import packageJson from '../package.json';

describe('GET /api/health', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('reports version, mode and a reachable store, then 503 with a clear message when Azurite stops', async () => {
    // Its own Azurite: this test stops it.
    const azurite = await startAzurite();
    cleanup.push(azurite.stop);
    const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'health' }), silentLogger);
    await runtime.ctx.store.ensureTables();
    const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false });
    cleanup.push(host.close);

    const up = await fetch(`${host.url}/api/health`);
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: 'ok', version: packageJson.version, mode: 'local', store: { reachable: true } });

    await azurite.stop();
    const down = await fetch(`${host.url}/api/health`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as { store: { error: string } };
    expect(body).toMatchObject({ status: 'degraded', store: { reachable: false } });
    expect(body.store.error).toMatch(/Table storage did not answer/);
  });

  it('answers unknown routes and wrong methods with JSON errors', async () => {
    const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: process.env.TEST_STORAGE_CONNECTION }), silentLogger);
    const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false });
    cleanup.push(host.close);
    expect((await fetch(`${host.url}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${host.url}/api/health`, { method: 'POST' })).status).toBe(405);
    const bad = await fetch(`${host.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect(bad.status).toBe(400);
    // Local mode: a text/plain POST (what a cross-site page can send without a preflight) is refused, in JSON too.
    const plain = await fetch(`${host.url}/api/messages`, { method: 'POST', body: '{"type":"message"}' });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: string }).error).toMatch(/application\/json/);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/Bot Framework activity/) });
  });
});
