/** Another writer changed the row since it was read (HTTP 412) or created it first (409). */
export class ConcurrencyError extends Error {
  constructor(readonly table: string, readonly partitionKey: string, readonly rowKey: string, reason: 'changed' | 'exists') {
    super(`${table} ${partitionKey}/${rowKey}: ${reason === 'changed' ? 'changed by another writer' : 'already exists'}`);
    this.name = 'ConcurrencyError';
  }
}

/** The store could not be reached or answered with a server error: the caller may retry later. */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`storage is unavailable: ${describe(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

/** A stored row no longer matches its schema: never silently used. */
export class CorruptRowError extends Error {
  constructor(readonly table: string, readonly partitionKey: string, readonly rowKey: string, detail: string) {
    super(`${table} ${partitionKey}/${rowKey} does not match its schema: ${detail}`);
    this.name = 'CorruptRowError';
  }
}

export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown };
  return typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(err);
}
