/**
 * The audit log is tamper-evident: a hash chain per subject, appended only
 * through create-once rows and an ETag-guarded head, checked by
 * `npm run audit:verify`. Every change an attacker with the storage key can
 * make through the store (an edited row, a deleted row, a deleted last row,
 * a row moved, a chain recomputed without the chain key) is reported.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, auditTrail, pruneAuditPartition } from '../bot/audit/repository';
import { auditPartition, eventRowKey, HEAD_KEY } from '../bot/audit/tables';
import { linkHash, type AuditRow } from '../bot/audit/model';
import { describeReport, verifyAuditTable } from '../bot/audit/verify';
import { auditDirectory } from '../bot/directory/audit';
import { auditIncident } from '../bot/incidents/audit';
import { loadConfig } from '../bot/kernel/config';
import { type AppContext } from '../bot/kernel/context';
import { silentLogger } from '../bot/kernel/logger';
import type { AuditEvent } from '../bot/audit/event';
import { openStore, type Store } from '../bot/store/store';
import { appTables } from '../bot/tables';
import { DEFAULT_TIME_ZONE } from '../bot/kernel/config';
import { freshStore } from './support/storage';

const KEY = 'audit-chain-key-for-tests-0123456789abcdef';
let store: Store;
let connectionString: string;
let prefix: string;
let ctx: AppContext;
let raw: TableClient;
const now = { value: new Date('2026-11-25T10:00:00Z') };

beforeAll(async () => {
  ({ store, connectionString, prefix } = await freshStore());
  const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix, PORT: '0', AUDIT_CHAIN_KEY: KEY });
  ctx = { config, store, clock: () => now.value, log: silentLogger };
  raw = TableClient.fromConnectionString(connectionString, `${prefix}Audit`, { allowInsecureConnection: true });
});

afterAll(async () => {
  // This file tampers with its log on purpose: drop it so the run's closing check (test/globalSetup.ts) sees only honest logs.
  await raw.deleteTable().catch(() => {});
});

const subject = (id: string): AuditEvent['subject'] => ({ type: 'incident', id });
function event(id: string, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: randomUUID(),
    at: now.value.toISOString(),
    action: 'consultation',
    actor: { aadObjectId: '00000000-0000-4000-8000-000000000002', organisationId: 'gmp' },
    subject: subject(id),
    justification: 'viewed the details',
    ...over,
  };
}

async function chain(id: string, n: number): Promise<string> {
  for (let i = 0; i < n; i++) await appendAudit(ctx, event(id, { note: `look ${i + 1}` }));
  return auditPartition(subject(id));
}

const verify = () => verifyAuditTable(store.audit, KEY);
const breaksIn = async (partition: string) => (await verify()).breaks.filter((b) => b.partition === partition);

async function rawRow(partition: string, rowKey: string): Promise<{ data: string } & Record<string, unknown>> {
  return raw.getEntity<{ data: string }>(partition, rowKey) as Promise<{ data: string } & Record<string, unknown>>;
}

describe('appending', () => {
  it('numbers a subject\'s events 1, 2, 3... each naming the previous one\'s hash, and reads them back in that order', async () => {
    const p = await chain('STO-2026-100001', 3);
    expect((await auditTrail(ctx, subject('STO-2026-100001'))).map((e) => e.note)).toEqual(['look 1', 'look 2', 'look 3']);
    const rows = (await store.audit.listPartition(p)).map((r) => r.value);
    const events = rows.flatMap((r) => (r.kind === 'event' ? [r] : []));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(events[2]!.prevHash).toBe(events[1]!.hash);
    expect(rows.find((r) => r.kind === 'head')).toMatchObject({ seq: 3, hash: events[2]!.hash });
    expect(await breaksIn(p)).toEqual([]);
  });

  it('logs an event id once, however often a retried step writes it', async () => {
    const e = event('STO-2026-100002', { action: 'collection', justification: undefined });
    await appendAudit(ctx, e);
    await appendAudit(ctx, e);
    await Promise.all([appendAudit(ctx, e), appendAudit(ctx, { ...e, at: '2026-11-25T10:05:00.000Z' })]);
    expect(await auditTrail(ctx, subject('STO-2026-100002'))).toHaveLength(1);
  });

  it('cannot fork under concurrent writers: 25 appends at once make one chain of 25', async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => appendAudit(ctx, event('STO-2026-100003', { note: `concurrent ${i}` }))));
    const p = auditPartition(subject('STO-2026-100003'));
    const events = (await store.audit.listPartition(p)).flatMap((r) => (r.value.kind === 'event' ? [r.value] : []));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.event.note)).size).toBe(25);
    expect(await breaksIn(p)).toEqual([]);
  });
});

describe('recording what a slice did (one builder for every slice)', () => {
  const priya = { aadObjectId: '00000000-0000-4000-8000-000000000001', organisationId: 'stockport-council' };

  it('records a member as who they are (object id and organisation only), the system as "system", at the clock\'s time', async () => {
    const member = { ...priya, displayName: 'Priya Shah', roles: ['member'] }; // a whole member, as use cases hold one
    await auditIncident(ctx, { action: 'alteration', actor: member, reference: 'INC-B1', note: 'edited' });
    await auditDirectory(ctx, { action: 'alteration', actor: 'system', subject: { type: 'directory', id: 'v7' }, note: 'applied version 7' });
    const [edit] = await auditTrail(ctx, subject('INC-B1'));
    const [applied] = await auditTrail(ctx, { type: 'directory', id: 'v7' });
    expect(edit).toMatchObject({ at: now.value.toISOString(), actor: priya, subject: { type: 'incident', id: 'INC-B1' }, note: 'edited' });
    expect(Object.keys(edit!.actor).sort()).toEqual(['aadObjectId', 'organisationId']);
    expect(applied).toMatchObject({ at: now.value.toISOString(), actor: { aadObjectId: 'system' }, note: 'applied version 7' });
    expect(edit!.id).not.toBe(applied!.id);
  });

  it('logs a step once under its given id; each look without one is its own event', async () => {
    for (let i = 0; i < 2; i++) await auditIncident(ctx, { action: 'collection', actor: priya, reference: 'INC-B2', id: 'collect-INC-B2' });
    for (let i = 0; i < 2; i++) await auditIncident(ctx, { action: 'consultation', actor: priya, reference: 'INC-B2', justification: 'viewed' });
    expect((await auditTrail(ctx, subject('INC-B2'))).map((e) => e.action)).toEqual(['collection', 'consultation', 'consultation']);
  });

  it("keeps each slice's trimming: an incident's justification to 500 characters, a directory note to 300", async () => {
    await auditIncident(ctx, { action: 'consultation', actor: priya, reference: 'INC-B3', justification: 'j'.repeat(900), note: 'n'.repeat(900) });
    await auditDirectory(ctx, { action: 'alteration', actor: priya, subject: { type: 'member', id: priya.aadObjectId }, note: 'm'.repeat(900) });
    const [look] = await auditTrail(ctx, subject('INC-B3'));
    const [member] = await auditTrail(ctx, { type: 'member', id: priya.aadObjectId });
    expect([look!.justification!.length, look!.note!.length, member!.note!.length]).toEqual([500, 300, 300]);
  });
});

describe('the verifier finds', () => {
  it('an event whose content was changed through the store (still a valid row)', async () => {
    const p = await chain('STO-2026-200001', 4);
    const row = await rawRow(p, eventRowKey(2));
    const data = JSON.parse(row.data) as Extract<AuditRow, { kind: 'event' }>;
    data.event.actor.aadObjectId = '00000000-0000-4000-8000-000000000009'; // someone else looked, says the log now
    await raw.updateEntity({ partitionKey: p, rowKey: eventRowKey(2), data: JSON.stringify(data) }, 'Merge');
    expect(await breaksIn(p)).toEqual([{ partition: p, seq: 2, problem: expect.stringMatching(/content does not match its hash/) }]);
  });

  it('an event deleted from the middle of a chain', async () => {
    const p = await chain('STO-2026-200002', 4);
    await raw.deleteEntity(p, eventRowKey(2));
    expect(await breaksIn(p)).toEqual([{ partition: p, seq: 2, problem: expect.stringMatching(/event 2 missing/) }]);
  });

  it('the last event deleted (the head still names it), and the head deleted too', async () => {
    const p = await chain('STO-2026-200003', 3);
    await raw.deleteEntity(p, eventRowKey(3));
    expect(await breaksIn(p)).toEqual([{ partition: p, seq: 3, problem: expect.stringMatching(/last events deleted/) }]);
    await raw.deleteEntity(p, HEAD_KEY);
    expect(await breaksIn(p)).toEqual([{ partition: p, problem: expect.stringMatching(/no ~head row/) }]);
  });

  it('a chain rewritten consistently by someone without the chain key', async () => {
    const p = await chain('STO-2026-200004', 2);
    // The attacker edits event 1 and recomputes every hash, head included, with a key they guess.
    const rows = await Promise.all([1, 2].map((s) => rawRow(p, eventRowKey(s))));
    let prev = '0'.repeat(64);
    for (const [i, row] of rows.entries()) {
      const data = JSON.parse(row.data) as Extract<AuditRow, { kind: 'event' }>;
      if (i === 0) data.event.note = 'nothing to see';
      data.prevHash = prev;
      data.hash = linkHash('', p, data.seq, prev, data.event);
      prev = data.hash;
      await raw.updateEntity({ partitionKey: p, rowKey: eventRowKey(data.seq), data: JSON.stringify(data) }, 'Merge');
    }
    const head = JSON.parse((await rawRow(p, HEAD_KEY)).data);
    await raw.updateEntity({ partitionKey: p, rowKey: HEAD_KEY, data: JSON.stringify({ ...head, hash: prev }) }, 'Merge');
    const found = await breaksIn(p);
    expect(found.map((b) => b.seq)).toEqual([1, 2]); // both hashes fail under the real key
    expect(found.every((b) => /content does not match its hash/.test(b.problem))).toBe(true);
  });

  it('a row that no longer parses, and an event moved to another subject\'s chain', async () => {
    const p = await chain('STO-2026-200005', 2);
    await raw.updateEntity({ partitionKey: p, rowKey: eventRowKey(1), data: '{"kind":"event"}' }, 'Merge');
    const q = await chain('STO-2026-200006', 1);
    const moved = await rawRow(p, eventRowKey(2));
    await raw.createEntity({ partitionKey: q, rowKey: eventRowKey(2), data: moved.data });
    expect((await breaksIn(p)).map((b) => b.problem)).toEqual([expect.stringMatching(/row e0000000001 no longer matches/), expect.stringMatching(/event 1 missing/)]);
    expect((await breaksIn(q)).map((b) => b.problem)).toEqual([expect.stringMatching(/claims partition/)]);
  });

  it('nothing in chains that retention pruned from the front: they verify from their anchor', async () => {
    const p = await chain('STO-2026-200007', 3);
    now.value = new Date('2033-01-01T00:00:00Z');
    await appendAudit(ctx, event('STO-2026-200007', { note: 'much later' }));
    expect(await pruneAuditPartition(ctx, p, '2032-11-25T00:00:00.000Z')).toBe(3);
    expect((await auditTrail(ctx, subject('STO-2026-200007'))).map((e) => e.note)).toEqual(['much later']);
    expect(await breaksIn(p)).toEqual([]);
    // ...but deleting the survivor is still found.
    await raw.deleteEntity(p, eventRowKey(4));
    expect(await breaksIn(p)).toHaveLength(1);
    now.value = new Date('2026-11-25T10:00:00Z');
  });
});

describe('npm run audit:verify', () => {
  it('exits 0 over an intact log and 1, naming each break, over a tampered one', async () => {
    const cleanPrefix = `v${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const clean = openStore({ connectionString }, cleanPrefix, appTables({ timeZone: DEFAULT_TIME_ZONE }));
    await clean.audit.ensureExists();
    const cleanCtx = { ...ctx, store: clean };
    for (let i = 0; i < 3; i++) await appendAudit(cleanCtx, event('STO-2026-300001', { note: `look ${i}` }));
    const run = (tablePrefix: string) =>
      promisify(execFile)(process.execPath, [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-verify.ts'], {
        env: { ...process.env, STORAGE_CONNECTION: connectionString, TABLE_PREFIX: tablePrefix, AUDIT_CHAIN_KEY: KEY },
      }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const ok = await run(cleanPrefix);
    expect(ok).toEqual({ code: 0, out: expect.stringContaining('3 events in 1 chains, every chain intact') });
    const bad = await run(prefix); // this file's log, tampered above
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/BREAK incident:STO-2026-200001 #2: event 2's content does not match its hash/);
    expect(bad.out).toMatch(/BREAK incident:STO-2026-200002 #2: event 2 missing/);
    console.log(describeReport(await verify()).split('\n')[0]);
    await TableClient.fromConnectionString(connectionString, `${cleanPrefix}Audit`, { allowInsecureConnection: true }).deleteTable();
  }, 60_000);
});
