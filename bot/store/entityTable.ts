import { TableClient, type TableEntity, type TableEntityResult, type TransactionAction, odata } from '@azure/data-tables';
import type { z } from 'zod';
import { ConcurrencyError, CorruptRowError, StoreUnavailableError, statusOf } from './errors';

export interface Keys {
  partitionKey: string;
  rowKey: string;
}

export interface Stored<T> {
  value: T;
  etag: string;
  keys: Keys;
}

/** Extra columns copied out of the JSON so that the service can filter on them. */
export type IndexColumns = Record<string, string | number | boolean>;

export interface EntityTableOptions<S extends z.ZodTypeAny> {
  name: string;
  schema: S;
  keys: (value: z.output<S>) => Keys;
  columns?: (value: z.output<S>) => IndexColumns;
}

const FORBIDDEN_KEY_CHARS = /[\/\\#?\u0000-\u001f\u007f-\u009f%]/g;

/** Table keys may not hold / \ # ? or control characters; Teams ids can. Escapes them reversibly. */
export function safeKey(raw: string): string {
  return raw.replace(FORBIDDEN_KEY_CHARS, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * One Azure table holding one kind of entity, stored as validated JSON.
 * Every read is parsed with the schema; every update carries the ETag it
 * read, so two writers can never both win.
 */
export class EntityTable<S extends z.ZodTypeAny> {
  readonly name: string;
  private readonly connect: () => TableClient;
  private connected?: TableClient;
  private exists?: Promise<void>;

  /**
   * `client` may be a factory: the client is then made on the table's first use. An instance opens every
   * table of the app and uses a few (a timer, two or three): making ~70 SDK clients up front was a tenth of
   * a timer's cold start.
   */
  constructor(client: TableClient | (() => TableClient), private readonly options: EntityTableOptions<S>) {
    this.name = options.name;
    this.connect = typeof client === 'function' ? client : () => client;
  }

  private get client(): TableClient {
    return (this.connected ??= this.connect());
  }

  /** Creates the table if it is missing. Idempotent; once it has succeeded, the table's first use no longer checks. */
  async ensureExists(): Promise<void> {
    await (this.exists ??= guard(() => this.client.createTable()).catch((err: unknown) => {
      this.exists = undefined; // storage down: the next use tries again
      throw err;
    }));
  }

  /**
   * The client, once the table is known to exist in this process: the first read or write of each table
   * creates it if missing (one request per table and process), so an instance never creates the tables it
   * does not touch. `ensureExists` (the store's `ensureTables`) settles it for every table at once.
   */
  private async table(): Promise<TableClient> {
    await this.ensureExists();
    return this.client;
  }

  /*
   * Reads do not create the table: a table that does not exist yet reads as empty (the service answers 404
   * TableNotFound), so a read turn never pays a createTable, which the first read of each table in a process would
   * otherwise add (32 IncidentFinder shards: a search's first touch of each). Writes create it first, as above.
   */

  keysOf(value: z.output<S>): Keys {
    return this.options.keys(value);
  }

  async get(keys: Keys): Promise<Stored<z.output<S>> | undefined> {
    try {
      const row = await this.client.getEntity<{ data: string }>(keys.partitionKey, keys.rowKey);
      return this.decode(row);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw wrap(err);
    }
  }

  /** Creates the row; throws ConcurrencyError if it exists already. */
  async create(value: z.input<S>): Promise<Stored<z.output<S>>> {
    const parsed = this.options.schema.parse(value) as z.output<S>;
    const entity = this.encode(parsed);
    try {
      const res = await (await this.table()).createEntity(entity);
      return { value: parsed, etag: res.etag ?? '', keys: this.keysOf(parsed) };
    } catch (err) {
      if (statusOf(err) === 409) throw new ConcurrencyError(this.name, entity.partitionKey, entity.rowKey, 'exists');
      throw wrap(err);
    }
  }

  /** Replaces the row if it still has `etag`; throws ConcurrencyError otherwise. */
  async update(value: z.input<S>, etag: string): Promise<Stored<z.output<S>>> {
    const parsed = this.options.schema.parse(value) as z.output<S>;
    const entity = this.encode(parsed);
    try {
      const res = await (await this.table()).updateEntity(entity, 'Replace', { etag });
      return { value: parsed, etag: res.etag ?? '', keys: this.keysOf(parsed) };
    } catch (err) {
      if (statusOf(err) === 412) throw new ConcurrencyError(this.name, entity.partitionKey, entity.rowKey, 'changed');
      if (statusOf(err) === 404) throw new ConcurrencyError(this.name, entity.partitionKey, entity.rowKey, 'changed');
      throw wrap(err);
    }
  }

  /** Read, change and write back, retrying when another writer got there first. */
  async mutate(
    keys: Keys,
    change: (current: z.output<S> | undefined) => z.input<S> | undefined,
    attempts = 8,
  ): Promise<Stored<z.output<S>> | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(keys);
      const next = change(current?.value);
      if (next === undefined) return current;
      try {
        return current ? await this.update(next, current.etag) : await this.create(next);
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= attempts) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  /**
   * Writes rows of one partition atomically (an entity group transaction):
   * all of them or none. A `create` of a row that exists, or an `update` whose
   * ETag has moved on, fails the whole batch with
   * ConcurrencyError, as does a `delete` of a row that is gone. Returns each
   * operation's new ETag (none for a delete).
   */
  async transact(
    ops: (
      | { op: 'create'; value: z.input<S> }
      | { op: 'update'; value: z.input<S>; etag: string }
      | { op: 'upsert'; value: z.input<S> }
      | { op: 'delete'; keys: Keys }
    )[],
  ): Promise<(string | undefined)[]> {
    if (ops.length === 0) return [];
    const actions: TransactionAction[] = ops.map((o) => {
      // A delete in a batch is unconditional (the SDK takes no ETag there): guard it with an ETag-checked update in the same batch.
      if (o.op === 'delete') return ['delete', { partitionKey: o.keys.partitionKey, rowKey: o.keys.rowKey }];
      const entity = this.encode(this.options.schema.parse(o.value) as z.output<S>);
      // upsert: an unconditional write (a marker every writer touches), never a conflict.
      return o.op === 'create' ? ['create', entity] : o.op === 'upsert' ? ['upsert', entity, 'Replace'] : ['update', entity, 'Replace', { etag: o.etag }];
    });
    try {
      const res = await (await this.table()).submitTransaction(actions);
      return actions.map((a) => (a[0] === 'delete' ? undefined : res.getResponseForEntity(a[1].rowKey as string)?.etag));
    } catch (err) {
      const status = statusOf(err);
      const first = actions[0]![1];
      if (status === 409) throw new ConcurrencyError(this.name, first.partitionKey as string, first.rowKey as string, 'exists');
      if (status === 412 || status === 404) throw new ConcurrencyError(this.name, first.partitionKey as string, first.rowKey as string, 'changed');
      throw wrap(err);
    }
  }

  /** Unconditional write: only for rows with a single writer (seed data, projections). */
  async upsert(value: z.input<S>): Promise<void> {
    const parsed = this.options.schema.parse(value) as z.output<S>;
    const client = await this.table();
    await guard(() => client.upsertEntity(this.encode(parsed), 'Replace'));
  }

  /** Deletes every row the filter matches (retention purges) and returns how many it found. */
  async deleteWhere(filter: string): Promise<number> {
    const rows = await this.query(filter);
    for (const row of rows) await this.delete(row.keys);
    return rows.length;
  }

  async delete(keys: Keys, etag = '*'): Promise<void> {
    try {
      await (await this.table()).deleteEntity(keys.partitionKey, keys.rowKey, { etag });
    } catch (err) {
      if (statusOf(err) === 404) return;
      if (statusOf(err) === 412) throw new ConcurrencyError(this.name, keys.partitionKey, keys.rowKey, 'changed');
      throw wrap(err);
    }
  }

  /** Rows of one partition, optionally within a row-key range [from, to). */
  async listPartition(partitionKey: string, range: { from?: string; to?: string } = {}): Promise<Stored<z.output<S>>[]> {
    let filter = odata`PartitionKey eq ${partitionKey}`;
    if (range.from !== undefined) filter += ` and ${odata`RowKey ge ${range.from}`}`;
    if (range.to !== undefined) filter += ` and ${odata`RowKey lt ${range.to}`}`;
    return this.query(filter);
  }

  /** An OData filter query; build filters with `odata` so values are escaped. */
  async query(filter: string): Promise<Stored<z.output<S>>[]> {
    const out: Stored<z.output<S>>[] = [];
    for (const row of await this.queryEach(filter)) {
      if (row instanceof CorruptRowError) throw row;
      out.push(row);
    }
    return out;
  }

  /**
   * Like `query`, but a row that does not match its schema is returned as its
   * CorruptRowError instead of failing the whole read: for checkers (the
   * audit verifier) that must report every bad row, never use one.
   */
  async queryEach(filter: string): Promise<(Stored<z.output<S>> | CorruptRowError)[]> {
    const out: (Stored<z.output<S>> | CorruptRowError)[] = [];
    try {
      for await (const row of this.client.listEntities<{ data: string }>({ queryOptions: { filter } })) {
        try {
          out.push(this.decode(row));
        } catch (err) {
          if (!(err instanceof CorruptRowError)) throw err;
          out.push(err);
        }
      }
    } catch (err) {
      if (tableMissing(err)) return [];
      throw wrap(err);
    }
    return out;
  }

  /**
   * One page of a query: at most `maxPageSize` rows and the service's
   * continuation token when there may be more (a page can be short, or even
   * empty, while more rows follow). One request per call.
   */
  async page(filter: string, opts: { maxPageSize: number; continuationToken?: string }): Promise<{ rows: Stored<z.output<S>>[]; next?: string }> {
    try {
      const pages = this.client
        .listEntities<{ data: string }>({ queryOptions: { filter } })
        .byPage({ maxPageSize: opts.maxPageSize, ...(opts.continuationToken ? { continuationToken: opts.continuationToken } : {}) });
      const first = await pages.next();
      if (first.done || !first.value) return { rows: [] };
      const rows = first.value.map((row) => this.decode(row));
      const next = (first.value as { continuationToken?: string }).continuationToken;
      return next ? { rows, next } : { rows };
    } catch (err) {
      if (err instanceof CorruptRowError) throw err;
      if (tableMissing(err)) return { rows: [] };
      throw wrap(err);
    }
  }

  private encode(value: z.output<S>): TableEntity<Record<string, unknown>> {
    const keys = this.keysOf(value);
    return { ...this.options.columns?.(value), partitionKey: keys.partitionKey, rowKey: keys.rowKey, data: JSON.stringify(value) };
  }

  private decode(row: TableEntityResult<{ data: string }>): Stored<z.output<S>> {
    const pk = row.partitionKey ?? '';
    const rk = row.rowKey ?? '';
    let json: unknown;
    try {
      json = JSON.parse(row.data);
    } catch {
      throw new CorruptRowError(this.name, pk, rk, 'data is not JSON');
    }
    const parsed = this.options.schema.safeParse(json);
    if (!parsed.success) {
      throw new CorruptRowError(this.name, pk, rk, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    return { value: parsed.data, etag: row.etag, keys: { partitionKey: pk, rowKey: rk } };
  }
}

/** The table itself does not exist (a read before anything was ever written to it). */
function tableMissing(err: unknown): boolean {
  if (statusOf(err) !== 404) return false;
  // The service's error code: the SDK leaves RestError.code unset for table errors and puts it in `details`.
  const details = (err as { details?: { errorCode?: unknown; odataError?: { code?: unknown } } }).details;
  return details?.errorCode === 'TableNotFound' || details?.odataError?.code === 'TableNotFound';
}

async function guard<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw wrap(err);
  }
}

function wrap(err: unknown): Error {
  if (err instanceof ConcurrencyError || err instanceof CorruptRowError || err instanceof StoreUnavailableError) return err;
  const status = statusOf(err);
  // 4xx other than those handled above are programming errors, not outages.
  if (status !== undefined && status >= 400 && status < 500) return err as Error;
  return new StoreUnavailableError(err);
}
