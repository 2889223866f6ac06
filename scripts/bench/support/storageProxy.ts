/**
 * Counts the storage requests a bench or a test makes, by putting a pass-through HTTP
 * proxy between the app and Azurite's table endpoint. Counting at the
 * transport sees every request whichever module makes it and however its
 * table clients are built, and says what each request was: a point read, a
 * read of one partition, a write, or a scan of a whole table (a query that
 * names no partition: in Azure it reads every partition; a user's turn must
 * never make one).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestKind = 'point' | 'partition' | 'scan' | 'write' | 'service';

export interface Classified {
  kind: RequestKind;
  /** The table named by the request ('' for service calls). */
  table: string;
  /** `$top` of a query: the most rows one response may carry. */
  top?: number;
}

/**
 * What an OData request to the Table service is, from its method and URL.
 * A query reads one partition only when its filter starts with
 * `PartitionKey eq '<key>'` and has no `or` outside quoted values (an `or`
 * could reach other partitions).
 */
export function classifyTableRequest(method: string, rawUrl: string): Classified {
  const url = new URL(rawUrl, 'http://storage');
  // /devstoreaccount1/Table(...) on Azurite, /Table(...) on Azure.
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  if (last === '$batch') return { kind: 'write', table: '' };
  const m = /^([A-Za-z][A-Za-z0-9]*)(?:\((.*)\))?$/s.exec(last);
  const table = m?.[1] ?? '';
  if (!m || table === 'Tables') return { kind: 'service', table: '' };
  if (method.toUpperCase() !== 'GET') return { kind: 'write', table };
  if (m[2] && /PartitionKey='/.test(m[2]) && /RowKey='/.test(m[2])) return { kind: 'point', table };
  const top = url.searchParams.get('$top');
  const filter = url.searchParams.get('$filter') ?? '';
  const unquoted = filter.replace(/'(?:[^']|'')*'/g, "''");
  const onePartition = /^\s*\(?\s*PartitionKey\s+eq\s+'/.test(filter) && !/\bor\b/i.test(unquoted);
  return { kind: onePartition ? 'partition' : 'scan', table, ...(top ? { top: Number(top) } : {}) };
}

export interface RequestCounts {
  total: number;
  byKind: Record<RequestKind, number>;
  /** Largest `$top` of any query (rows one response may carry); 0 when no query said. */
  maxTop: number;
  /** Queries without `$top` (a response may carry up to 1,000 rows). */
  unbounded: number;
  /** The scans seen: method and table, for the report. */
  scans: string[];
}

const zero = (): RequestCounts => ({ total: 0, byKind: { point: 0, partition: 0, scan: 0, write: 0, service: 0 }, maxTop: 0, unbounded: 0, scans: [] });

export function addRequest(c: RequestCounts, r: Classified): void {
  c.total++;
  c.byKind[r.kind]++;
  if (r.kind === 'partition' || r.kind === 'scan') {
    if (r.top === undefined) c.unbounded++;
    else c.maxTop = Math.max(c.maxTop, r.top);
  }
  if (r.kind === 'scan' && c.scans.length < 20) c.scans.push(r.table);
}

/** Counts from `before` to `after` (both snapshots of the same proxy). */
export function countsBetween(before: RequestCounts, after: RequestCounts): RequestCounts {
  const byKind = { ...after.byKind };
  for (const k of Object.keys(byKind) as RequestKind[]) byKind[k] -= before.byKind[k];
  return { total: after.total - before.total, byKind, maxTop: after.maxTop, unbounded: after.unbounded - before.unbounded, scans: after.scans.slice(before.scans.length) };
}

/**
 * How many entities a query's response may carry before the proxy cuts it short: a number, or undefined to pass it
 * through. Given the query (its table and `$top`) and how many queries came before it.
 */
export type ShortPages = (query: Classified & { n: number }) => number | undefined;

export interface StorageProxyOptions {
  /**
   * Cut query responses short, as Azure does (after 5 seconds' work, at a partition or server boundary): the
   * response keeps its first k entities and carries continuation headers naming the next one, so the client's
   * next request resumes there. k = 0 is an empty response that still says more follow. Azurite's encoding of
   * the headers (base64 of the key), so Azurite resumes from them.
   */
  shortPages?: ShortPages;
  /** Told of every request as it is counted (the proxy's thread, support/storageProxyThread.ts, shares its counts). */
  onRequest?: (request: Classified) => void;
}

export interface StorageProxy {
  /** The connection string with the table endpoint pointed at the proxy. */
  connectionString: string;
  /** Starts (or, with undefined, stops) cutting query responses short: see StorageProxyOptions. */
  setShortPages(shortPages: ShortPages | undefined): void;
  /** A copy of the counts so far. */
  snapshot(): RequestCounts;
  /** Starts a new window: counts, top and scans from zero. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Starts the proxy in front of the table endpoint of `connectionString`
 * (Azurite's). The benches and the tests that bound "storage requests per
 * turn" both use it: `snapshot().total` is every request on the wire.
 */
export async function startStorageProxy(connectionString: string, options: StorageProxyOptions = {}): Promise<StorageProxy> {
  const endpoint = /TableEndpoint=(http:\/\/[^;]+)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('the connection string names no http TableEndpoint');
  const target = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let counts = zero();
  let shortPages = options.shortPages;
  let queries = 0;
  const server = http.createServer((req, res) => {
    const kind = classifyTableRequest(req.method ?? 'GET', req.url ?? '/');
    addRequest(counts, kind);
    options.onRequest?.(kind);
    const keep = (kind.kind === 'partition' || kind.kind === 'scan') && shortPages ? shortPages({ ...kind, n: queries++ }) : undefined;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        if (keep === undefined || up.statusCode !== 200) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const { body, headers } = cutShort(Buffer.concat(chunks), up.headers, keep);
          res.writeHead(200, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', (err) => {
      res.writeHead(502);
      res.end(String(err));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const proxied = `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`;
  return {
    connectionString: connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${proxied}`),
    setShortPages: (next) => void (shortPages = next),
    snapshot: () => ({ ...counts, byKind: { ...counts.byKind }, scans: [...counts.scans] }),
    reset: () => void (counts = zero()),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** A query response with at most `keep` entities; when it had more, continuation headers naming the first one left out. */
export function cutShort(body: Buffer, headers: http.IncomingHttpHeaders, keep: number): { body: Buffer; headers: http.OutgoingHttpHeaders } {
  const json = JSON.parse(body.toString('utf8')) as { value?: { PartitionKey: string; RowKey: string }[] };
  const rows = json.value ?? [];
  if (rows.length <= keep) return { body, headers };
  const next = rows[keep]!;
  const out = Buffer.from(JSON.stringify({ ...json, value: rows.slice(0, keep) }), 'utf8');
  const { 'content-length': _length, 'transfer-encoding': _chunked, ...rest } = headers;
  return {
    body: out,
    headers: {
      ...rest,
      'content-length': String(out.length),
      'x-ms-continuation-nextpartitionkey': Buffer.from(next.PartitionKey, 'utf8').toString('base64'),
      'x-ms-continuation-nextrowkey': Buffer.from(next.RowKey, 'utf8').toString('base64'),
    },
  };
}
