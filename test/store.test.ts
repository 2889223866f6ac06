import { describe, expect, it } from 'vitest';
import { ConcurrencyError, CorruptRowError } from '../bot/store/errors';
import { openStore } from '../bot/store/store';
import { appTables } from '../bot/tables';
import { DEFAULT_TIME_ZONE } from '../bot/kernel/config';
import { randomBytes } from 'node:crypto';
import { TableClient, TableServiceClient, odata } from '@azure/data-tables';
import { freshStore } from './support/storage';
import { countsBetween, startStorageProxy } from '../scripts/bench/support/storageProxy';

const priya = {
  aadObjectId: '00000000-0000-4000-8000-000000000001',
  displayName: 'Priya Shah',
  organisationId: 'stockport-homes',
  roles: ['staff' as const],
  leadsThemes: [],
};

describe('the store on Azurite', () => {
  it('creates each table on its first write in the process, and only the tables written: a cold start sends no request per table of the app, and a read none to create one', async () => {
    const connectionString = process.env.TEST_STORAGE_CONNECTION!;
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const proxy = await startStorageProxy(connectionString);
    try {
      // As the Functions host opens it since the first-use change: no ensureTables.
      const store = openStore({ connectionString: proxy.connectionString }, prefix, appTables({ timeZone: DEFAULT_TIME_ZONE }));
      await Promise.all([store.members.create(priya), store.members.get({ partitionKey: 'member', rowKey: 'nobody' })]);
      expect((await store.members.get({ partitionKey: 'member', rowKey: priya.aadObjectId }))?.value).toEqual(priya);
      // Tables only read: empty, not an error, one request per read and nothing created.
      const before = proxy.snapshot();
      expect(await store.outbox.listPartition('batch')).toEqual([]);
      expect(await store.outbox.page("PartitionKey eq 'batch'", { maxPageSize: 5 })).toEqual({ rows: [] });
      expect(await store.incidentFinder.page('w|brinnington', "PartitionKey eq 'w|brinnington'", { maxPageSize: 25 })).toEqual({ rows: [] });
      expect(await store.accessRequests.get({ partitionKey: 'gmp', rowKey: 'a'.repeat(24) })).toBeUndefined();
      const reads = countsBetween(before, proxy.snapshot());
      expect(reads.total).toBe(4);
      expect(reads.byKind.service).toBe(0);
      const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
      const names: string[] = [];
      for await (const t of service.listTables({ queryOptions: { filter: odata`TableName ge ${prefix} and TableName lt ${`${prefix}~`}` } })) names.push(t.name!);
      expect(names.sort()).toEqual([`${prefix}Members`]);
      // The first write to a table creates it; reads then find what was written.
      await store.accessRequests.upsert({ id: 'a'.repeat(24), ownerOrg: 'gmp', requester: { aadObjectId: priya.aadObjectId, displayName: 'Priya Shah', organisationId: 'stockport-homes' }, what: 'SK5', references: ['STO-2026-000001'], status: 'pending', createdAt: '2026-11-25T10:00:00.000Z' });
      expect((await store.accessRequests.get({ partitionKey: 'gmp', rowKey: 'a'.repeat(24) }))?.value.what).toBe('SK5');
    } finally {
      await proxy.close();
    }
  });

  it('reads back, through a fresh client, a row written through the store', async () => {
    const { store, connectionString, prefix } = await freshStore();
    await store.members.create(priya);

    const other = openStore({ connectionString }, prefix, appTables({ timeZone: DEFAULT_TIME_ZONE }));
    const read = await other.members.get({ partitionKey: 'member', rowKey: priya.aadObjectId });
    expect(read?.value).toEqual(priya);
    expect(read?.etag).toMatch(/^W\/"datetime/);
  });

  it('lets only one of two concurrent writers win an update', async () => {
    const { store } = await freshStore();
    const created = await store.members.create(priya);

    const results = await Promise.allSettled([
      store.members.update({ ...priya, jobTitle: 'Housing officer' }, created.etag),
      store.members.update({ ...priya, jobTitle: 'Neighbourhood officer' }, created.etag),
    ]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    const final = await store.members.get(created.keys);
    expect(final?.value.jobTitle).toBe((won[0] as PromiseFulfilledResult<{ value: { jobTitle?: string } }>).value.value.jobTitle);
  });

  it('lets only one of two writers create the same row', async () => {
    const { store } = await freshStore();
    const results = await Promise.allSettled([store.members.create(priya), store.members.create(priya)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(ConcurrencyError) });
  });

  it('applies every one of many concurrent read-modify-write changes (mutate retries on ETag conflicts)', async () => {
    const { store } = await freshStore();
    const created = await store.members.create({ ...priya, jobTitle: 's' });
    const keys = created.keys;
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.members.mutate(keys, (m) => m && { ...m, jobTitle: `${m.jobTitle}${i}` }, 30),
      ),
    );
    const final = await store.members.get(keys);
    expect(final?.value.jobTitle).toHaveLength(11);
  });

  it('refuses a row that was written behind its back in a shape the schema rejects', async () => {
    const { store, connectionString, prefix } = await freshStore();
    const raw = TableClient.fromConnectionString(connectionString, `${prefix}Members`, { allowInsecureConnection: true });
    await raw.createEntity({ partitionKey: 'member', rowKey: 'x', data: JSON.stringify({ displayName: 'no id' }) });
    await expect(store.members.get({ partitionKey: 'member', rowKey: 'x' })).rejects.toBeInstanceOf(CorruptRowError);
  });

  it('refuses to store a value that breaks its schema, writing nothing', async () => {
    const { store } = await freshStore();
    await expect(store.members.create({ ...priya, roles: [] })).rejects.toThrow(/at least one role/);
    expect(await store.members.get({ partitionKey: 'member', rowKey: priya.aadObjectId })).toBeUndefined();
  });
});
