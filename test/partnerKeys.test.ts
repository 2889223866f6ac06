/**
 * A partner system's key may do only what its organisation may do, where it
 * works: policing priorities come from a police force, for the boroughs it
 * polices, attributed to one of its own members who may publish them; alerts
 * from a force, for its boroughs. Unknown partner ids, including names that
 * live on every JavaScript object, are a 401.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { sign } from '../bot/partners/rules/signature';
import { startBotHarness, type BotHarness } from './support/botHarness';

const SECRET = (c: string) => c.repeat(40);
const KEYS = {
  'gmp-rms': { secret: SECRET('g'), organisationId: 'gmp' },
  'stockport-homes-crm': { secret: SECRET('s'), organisationId: 'stockport-homes' },
  'btp-rms': { secret: SECRET('b'), organisationId: 'btp' },
};
const HELEN = '00000000-0000-4000-8000-000000000003'; // GMP, theme lead
const TOM = '00000000-0000-4000-8000-000000000002'; // GMP, coordinator
const PRIYA = '00000000-0000-4000-8000-000000000001'; // Stockport Homes, staff
const NOBODY = '00000000-0000-4000-8000-0000000000ee';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ env: { PARTNER_KEYS: JSON.stringify(KEYS) } });
  // A second force that polices one borough only.
  const demo = JSON.parse(readFileSync(path.join(__dirname, '..', 'env', 'partnership.demo.json'), 'utf8'));
  demo.organisations.push({ id: 'btp', name: 'British Transport Police', kind: 'police', boroughs: ['manchester'], tenantIds: demo.organisations[0].tenantIds });
  const applied = await applyDirectoryFile(bot.runtime.ctx, demo, { aadObjectId: '00000000-0000-4000-8000-000000000004' });
  expect(applied.ok).toBe(true);
});
afterAll(async () => bot?.close());

let n = 0;
async function post(path: string, partner: string, secret: string, body: unknown) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(bot.now.value.getTime() / 1000));
  const res = await fetch(`${bot.host.url}${path}`, {
    method: 'POST',
    headers: { 'x-concordat-partner': partner, 'x-concordat-timestamp': ts, 'x-concordat-signature': sign(secret, ts, raw), 'idempotency-key': `partner-key-test-${++n}` },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const priorities = (borough: string, publishedBy: string) => ({
  borough, effectiveFrom: '2026-12-01', changeNote: '', publishedBy, priorities: [{ themeId: 'public-safety', title: 'Residential burglary' }],
});
const alert = (boroughs: string[]) => ({
  severity: 'warning', boroughs, themeId: 'public-safety', title: 'Warrant day in Eccles', body: 'Expect a police presence around Eccles from 06:00.', expiresInDays: 3, marking: 'OFFICIAL',
});
const stored = async (borough: string) => (await bot.runtime.ctx.store.prioritySets.listPartition(borough)).length;

describe('partner keys get only their organisation\'s capabilities', () => {
  it("a landlord's key may not publish policing priorities: 403, nothing stored", async () => {
    const res = await post('/api/priorities', 'stockport-homes-crm', SECRET('s'), priorities('stockport', PRIYA));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/Stockport Homes may not publish policing priorities: only police partners may/);
    expect(await stored('stockport')).toBe(0);
  });

  it('a force may publish only for the boroughs it polices', async () => {
    const res = await post('/api/priorities', 'btp-rms', SECRET('b'), priorities('stockport', HELEN));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/only for the boroughs it serves, not stockport/);
    expect(await stored('stockport')).toBe(0);
  });

  it.each([
    ['someone not in the directory', NOBODY],
    ['a member of another organisation', PRIYA],
  ])('publishedBy must be a member of the key\'s organisation who may publish: %s is refused', async (_who, publishedBy) => {
    const res = await post('/api/priorities', 'gmp-rms', SECRET('g'), priorities('stockport', publishedBy));
    expect(res.status).toBe(403);
    expect(res.body.details).toEqual([{ field: 'publishedBy', message: expect.stringMatching(/member of Greater Manchester Police who may publish priorities for stockport/) }]);
    expect(await stored('stockport')).toBe(0);
  });

  it('a police lead of that force, for a borough it polices, is published', async () => {
    expect(await post('/api/priorities', 'gmp-rms', SECRET('g'), priorities('stockport', HELEN))).toMatchObject({ status: 201, body: { version: 1 } });
    expect(await post('/api/priorities', 'gmp-rms', SECRET('g'), { ...priorities('bury', TOM), changeNote: '' })).toMatchObject({ status: 201 });
  });

  it("alerts: a landlord's key is refused, a force's key only for its boroughs", async () => {
    expect((await post('/api/alerts', 'stockport-homes-crm', SECRET('s'), alert(['stockport']))).status).toBe(403);
    expect((await post('/api/alerts', 'btp-rms', SECRET('b'), alert(['salford']))).status).toBe(403);
    expect((await post('/api/alerts', 'btp-rms', SECRET('b'), alert(['manchester']))).status).toBe(202);
    const alerts = (await bot.runtime.ctx.store.alerts.listPartition('alert')).map((a) => a.value.alert.boroughs);
    expect(alerts).toEqual([['manchester']]);
  });
});

describe('partner ids are looked up as data, not as object properties', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'])('"%s" in the partner header is a 401, not a 500', async (partner) => {
    const res = await post('/api/priorities', partner, SECRET('x'), priorities('stockport', HELEN));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/registered partner system/);
    const alertRes = await post('/api/alerts', partner, SECRET('x'), alert(['stockport']));
    expect(alertRes.status).toBe(401);
  });
});
