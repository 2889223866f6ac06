import type { z } from 'zod';
import type { EntityTable, Keys, Stored } from './entityTable';

/**
 * One logical table spread over several Azure tables by partition key, for
 * index tables whose every query names one partition. In Azure a partition
 * query costs the same whichever table holds it, so this changes nothing
 * there; the emulator (Azurite) scans the whole table on every query, and a
 * year of index rows in one table would make each page cost the whole year.
 */
export class ShardedTable<S extends z.ZodTypeAny> {
  readonly name: string;

  constructor(private readonly shards: EntityTable<S>[]) {
    this.name = shards[0]!.name.replace(/\d+$/, '');
  }

  /** The table holding this partition: FNV-1a of the key, so it never moves. */
  of(partitionKey: string): EntityTable<S> {
    let h = 0x811c9dc5;
    for (let i = 0; i < partitionKey.length; i++) h = Math.imul(h ^ partitionKey.charCodeAt(i), 0x01000193) >>> 0;
    return this.shards[h % this.shards.length]!;
  }

  keysOf(value: z.output<S>): Keys {
    return this.shards[0]!.keysOf(value);
  }

  async ensureExists(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.ensureExists()));
  }

  async upsert(value: z.input<S>): Promise<void> {
    await this.of(this.keysOf(value as z.output<S>).partitionKey).upsert(value);
  }

  async delete(keys: Keys): Promise<void> {
    await this.of(keys.partitionKey).delete(keys);
  }

  async get(keys: Keys): Promise<Stored<z.output<S>> | undefined> {
    return this.of(keys.partitionKey).get(keys);
  }

  /** One page of one partition's query (the filter must name that partition). */
  page(partitionKey: string, filter: string, opts: { maxPageSize: number; continuationToken?: string }) {
    return this.of(partitionKey).page(filter, opts);
  }

  /** Every shard: for checks and tests, never for a user's turn. */
  async query(filter: string): Promise<Stored<z.output<S>>[]> {
    return (await Promise.all(this.shards.map((s) => s.query(filter)))).flat();
  }
}
