/**
 * Retention of every copy: after the nightly run, personal details past
 * their retention are nowhere in storage (not in the incident, nor in the
 * outbox that delivered them, the hotspot warnings, the complaint index...),
 * every table has a stated retention that a run enforces, the settings are
 * checked at start-up, and a failed run tells the administrators.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTable } from '../bot/audit/verify';
import { ConfigError, loadConfig } from '../bot/kernel/config';
import { drainOutbox } from '../bot/outbox/sender';
import { retentionPolicies } from '../bot/retention/policies';
import { runRetention } from '../bot/retention/run';
import { StoreUnavailableError } from '../bot/store/errors';
import { appTables } from '../bot/tables';
import { DEFAULT_TIME_ZONE } from '../bot/kernel/config';
import { retention } from '../functions/retention';
import { auditOf } from './support/audit';
import { activityFrom, DAN, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness, type Conversation } from './support/botHarness';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP
const CHANNEL: Conversation = { id: '19:stockport-retention@thread.tacv2', conversationType: 'channel', teamId: '19:team-ret@thread.tacv2', channelId: '19:stockport-retention@thread.tacv2' };

// What must not outlive the retention period, in any table.
const SECRETS = {
  name: 'Jonathan Pemberton',
  dob: '14/03/1987',
  phone: '07700 900461',
  address: '27 Larkhill Crescent, Stockport SK5 7QT',
  summary: 'Persistent shouting and banging from the upstairs flat every night this week.',
  area: 'Larkhill Crescent flats',
  household: 'STO/TEN 550912',
};

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness();
  for (const u of [PRIYA, TOM, DAN]) await bot.post(activityFrom(bot.connector.serviceUrl, u, personalChat(u), { type: 'installationUpdate', action: 'add' }));
});
afterAll(async () => bot?.close());

const ctx = () => bot.runtime.ctx;
const store = () => bot.runtime.ctx.store;
const drain = () => drainOutbox(ctx(), bot.runtime.transport, { sendTimeoutMs: 2000 });

async function invoke(user: typeof PRIYA, verb: string, data: Record<string, unknown>, conversation: Conversation = personalChat(user)) {
  const res = await bot.post(
    activityFrom(bot.connector.serviceUrl, user, conversation, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' } }),
  );
  return res.body.value as any;
}

/** Every row of every table of this store, as text. */
async function everything(): Promise<string> {
  const parts: string[] = [];
  for (const [name, table] of Object.entries(store())) {
    if (typeof (table as { query?: unknown }).query !== 'function') continue;
    const rows = await (table as { query(f: string): Promise<{ value: unknown }[]> }).query("PartitionKey ne ''");
    parts.push(`${name}: ${JSON.stringify(rows.map((r) => r.value))}`);
  }
  return parts.join('\n');
}

const found = (text: string) => Object.entries(SECRETS).filter(([, v]) => text.includes(v)).map(([k]) => k);

describe('retention of every copy', () => {
  let reference = '';

  it('a details card is delivered from the outbox and then its content is removed there; delivery metadata stays', async () => {
    const card = await invoke(PRIYA, 'incident.submit', {
      submissionId: randomUUID().replace(/-/g, ''),
      category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: SECRETS.area, postcodeDistrict: 'SK5',
      fullAddress: SECRETS.address, occurredDate: '2026-11-24', occurredTime: '23:30', summary: SECRETS.summary,
      details: `Complainant ${SECRETS.name}, born ${SECRETS.dob}, phone ${SECRETS.phone}.`,
      victims: '1', suspects: '1', witnesses: '0', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '',
      risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE', householdReference: SECRETS.household,
    });
    reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(card))?.[1] ?? '';
    expect(reference, textOfCard(card).slice(0, 300)).not.toBe('');
    // Tom asks for the details in a channel: they go to his private chat through the outbox.
    expect(textOfCard(await invoke(TOM, 'incident.view', { reference }, CHANNEL))).toContain('sent the details to your private chat');
    const batch = `incident-details-${reference}`;
    expect(found(JSON.stringify(await store().outbox.listPartition(batch)))).toContain('name'); // waiting to be sent: it must hold them
    await drain();
    expect(bot.connector.sent.some((a) => a.conversationId === personalChat(TOM).id && JSON.stringify(a.activity).includes(SECRETS.phone))).toBe(true);
    const [item] = (await store().outbox.listPartition(batch)).map((i) => i.value);
    expect(item).toMatchObject({ status: 'sent', activityId: expect.any(String), sentAt: expect.any(String), payloadRemovedAt: expect.any(String) });
    expect(item!.payload).toBeUndefined();
    expect(found(JSON.stringify(item))).toEqual([]);
  });

  it('14 months on, the run leaves the details nowhere in storage: incidents, outbox, warnings, complaint index, partner requests', async () => {
    // A hotspot warning naming the area, and a partner request, as the detector and the partner API write them.
    const raisedAt = bot.now.value.toISOString();
    await store().warnings.create({
      id: 'hs-0123456789abcdef', ruleId: 'asb', ruleLabel: 'ASB', themeId: 'public-safety', borough: 'stockport', postcodeDistrict: 'SK5',
      areaKey: 'larkhillcrescentflats', area: SECRETS.area, windowStart: '2026-11-24', windowDays: 14, threshold: 5, count: 5,
      categories: ['asb-nuisance'], incidents: [{ reference, occurredAt: '2026-11-24T23:30:00.000Z' }], raisedAt, status: 'posted',
    });
    await store().partnerRequests.create({ partnerId: 'demo-partner', key: 'req-1', bodyHash: 'x'.repeat(64), result: { status: 201, body: { id: 'a1' } }, at: raisedAt });
    expect(found(await everything()).sort()).toEqual(Object.keys(SECRETS).sort()); // all there before
    const hashBefore = (await store().complaintIndex.query("PartitionKey ne ''")).map((r) => r.value.hash);
    expect(hashBefore).toHaveLength(1);

    bot.now.value = new Date('2028-01-26T02:30:00Z');
    const report = await runRetention(ctx());
    expect(report.failed).toEqual([]);
    const text = await everything();
    expect(found(text)).toEqual([]);
    expect(text).not.toContain(hashBefore[0]!);
    expect(await store().partnerRequests.query("PartitionKey ne ''")).toEqual([]);
    expect(await store().warnings.query("PartitionKey ne ''")).toEqual([]);
    expect(await store().outbox.query("PartitionKey ne ''")).toEqual([]); // sent rows are not kept forever either (13 months)
    // The incident stays, anonymised, for statistics; its erasure is logged without the content.
    const erasure = (await auditOf(store(), `incident:${reference}`)).find((e) => e.action === 'erasure');
    expect(erasure?.note).toMatch(/summary, area, full address, details, household reference/);
    expect(found(JSON.stringify(erasure))).toEqual([]);
    expect(report.steps.map((s) => s.table)).toEqual(expect.arrayContaining(['Incidents', 'ComplaintIndex', 'Warnings', 'Outbox', 'PartnerRequests', 'Audit']));

    // A second run finds nothing more to do.
    const again = await runRetention(ctx());
    expect(again.steps.filter((s) => s.table !== 'Outbox' && s.count > 0)).toEqual([]);
  });

  it('prunes audit events after six years, the chains still verifying', async () => {
    const events = async () => (await store().audit.query("kind eq 'event'")).length;
    const before = await events();
    bot.now.value = new Date('2033-02-01T02:30:00Z'); // 6 years and 2 months after the report; 5 years after the erasure
    const report = await runRetention(ctx());
    expect(report.failed).toEqual([]);
    const left = await auditOf(store(), `incident:${reference}`);
    expect(left.map((e) => e.action)).toEqual(['erasure']); // only what is younger than six years
    expect(await events()).toBeLessThan(before);
    expect((await verifyAuditTable(store().audit, '')).breaks).toEqual([]);
  });

  it('a run that fails tells the administrators in their private chat, and the timer invocation fails', async () => {
    const warnings = store().warnings as unknown as { query: (f: string) => Promise<unknown> };
    const query = warnings.query.bind(warnings);
    warnings.query = async () => {
      throw new StoreUnavailableError(new Error('injected outage'));
    };
    const logged: string[] = [];
    try {
      await expect(retention({} as never, { log: (m: string) => logged.push(m) } as never, bot.runtime)).rejects.toThrow(/retention incomplete: Warnings/);
    } finally {
      warnings.query = query;
    }
    const day = bot.now.value.toISOString().slice(0, 10);
    const told = (await store().outbox.listPartition(`retention-${day}`)).map((i) => i.value);
    expect(told.map((i) => i.target.conversationId)).toEqual([personalChat(DAN).id]); // the administrator
    expect(textOfCard(told[0]!.payload!.card)).toMatch(/Retention did not complete[\s\S]*Warnings/);
    expect(logged.join('\n')).toMatch(/Warnings 0 FAILED/);
  });
});

describe('retention settings', () => {
  const local = { CONCORDAT_MODE: 'local', PORT: '0' };
  it('are read at start-up: a typo stops loadConfig (and so the pre-deploy check), naming the setting', () => {
    expect(loadConfig(local).retention).toEqual({ incidentMonths: 13, auditMonths: 72, outboxMonths: 13, partnerRequestDays: 30 });
    expect(loadConfig({ ...local, INCIDENT_RETENTION_MONTHS: '24', AUDIT_RETENTION_MONTHS: ' ' }).retention).toMatchObject({ incidentMonths: 24, auditMonths: 72 });
    for (const [name, value] of [['INCIDENT_RETENTION_MONTHS', '13 months'], ['INCIDENT_RETENTION_MONTHS', '0'], ['AUDIT_RETENTION_MONTHS', '6'], ['OUTBOX_RETENTION_MONTHS', 'x'], ['PARTNER_REQUEST_RETENTION_DAYS', '-1']] as const) {
      expect(() => loadConfig({ ...local, [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      try {
        loadConfig({ ...local, [name]: value });
      } catch (err) {
        expect((err as Error).message).toContain(name);
      }
    }
  });

  it('a typo fails the pre-deploy check (scripts/check-production-config.ts)', async () => {
    const run = promisify(execFile)(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/check-production-config.ts'], {
      env: { ...process.env, CONCORDAT_MODE: 'local', INCIDENT_RETENTION_MONTHS: '13m' },
    });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('INCIDENT_RETENTION_MONTHS') });
  }, 30_000);
});

describe('every table has a stated retention', () => {
  it('on its table definition, and in the docs/storage.md retention table', () => {
    const doc = readFileSync('docs/storage.md', 'utf8');
    const section = doc.slice(doc.indexOf('## Retention'));
    expect(doc.indexOf('## Retention')).toBeGreaterThan(0);
    const policies = retentionPolicies(appTables({ timeZone: DEFAULT_TIME_ZONE }));
    expect(policies.length).toBe(Object.keys(appTables({ timeZone: DEFAULT_TIME_ZONE })).length);
    for (const { key, table, policy } of policies) {
      for (const field of [policy.holds, policy.retention, policy.enforcedBy]) expect(field.trim().length, key).toBeGreaterThan(0);
      expect(section, table).toMatch(new RegExp(`^\\| ${table} \\|`, 'm'));
    }
  });
});
