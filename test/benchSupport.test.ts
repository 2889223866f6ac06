import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { closedLoop, latencyRows, percentile } from '../scripts/bench/support/latency';
import { medianIntervalRanks, pairedRatio } from '../scripts/bench/support/ratios';
import { classifyTableRequest, countsBetween, startStorageProxy } from '../scripts/bench/support/storageProxy';
import { startStorageProxyThread } from '../scripts/bench/support/storageProxyThread';
import { startClientThread } from '../scripts/bench/support/clientThread';

/**
 * The bench helpers that decide whether a figure met its goal: the storage
 * request counter behind "requests per turn" and "no table scans"
 * (scripts/bench/lists.ts), and the latency percentiles every turn bench uses.
 */
describe('counting storage requests at the transport', () => {
  const q = (filter: string, top?: number) =>
    `/devstoreaccount1/benchlsIncidentFinder07()?$format=application%2Fjson%3Bodata%3Dminimalmetadata&$filter=${encodeURIComponent(filter)}${top ? `&$top=${top}` : ''}`;

  it('tells a point read, a one-partition query, a write and a whole-table scan apart', () => {
    expect(classifyTableRequest('GET', "/devstoreaccount1/benchlsIncidentIndex(PartitionKey='STO-2026-000050',RowKey='i')")).toEqual({ kind: 'point', table: 'benchlsIncidentIndex' });
    expect(classifyTableRequest('GET', "/devstoreaccount1/benchlsIncidentIndex(PartitionKey=%27STO-2026-000050%27,RowKey=%27i%27)").kind).toBe('point');
    expect(classifyTableRequest('GET', q("PartitionKey eq 'org|stockport-homes' and RowKey lt '8235'", 8))).toEqual({ kind: 'partition', table: 'benchlsIncidentFinder07', top: 8 });
    expect(classifyTableRequest('GET', q("borough eq 'stockport'", 25)).kind).toBe('scan');
    expect(classifyTableRequest('GET', q('')).kind).toBe('scan');
    expect(classifyTableRequest('POST', '/devstoreaccount1/$batch').kind).toBe('write');
    expect(classifyTableRequest('PUT', "/devstoreaccount1/benchlsAudit(PartitionKey='a',RowKey='b')").kind).toBe('write');
    expect(classifyTableRequest('GET', '/devstoreaccount1/Tables?$top=1').kind).toBe('service');
  });

  it('counts a query with an `or` as a scan, even when it starts with one partition, but not an "or" inside a quoted value', () => {
    expect(classifyTableRequest('GET', q("PartitionKey eq 'a' or PartitionKey eq 'b'")).kind).toBe('scan');
    expect(classifyTableRequest('GET', q("PartitionKey eq 'w|north or south' and area eq 'it''s or not'")).kind).toBe('partition');
  });

  it.each([
    ['in this thread', startStorageProxy],
    ['on a thread of its own, its counts shared', startStorageProxyThread],
  ])('passes every request through to storage unchanged, counting each once (%s)', async (_, start) => {
    const seen: string[] = [];
    const upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ value: [{ echoed: body }] }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    const port = (upstream.address() as AddressInfo).port;
    const proxy = await start(`DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`);
    try {
      const endpoint = /TableEndpoint=([^;]+)/.exec(proxy.connectionString)![1]!;
      expect(endpoint).not.toContain(String(port));
      const before = proxy.snapshot();
      const read = await fetch(`${endpoint}/t1(PartitionKey='a',RowKey='b')`);
      expect(await read.json()).toEqual({ value: [{ echoed: '' }] });
      const write = await fetch(`${endpoint}/$batch`, { method: 'POST', body: 'batch body' });
      expect(await write.json()).toEqual({ value: [{ echoed: 'batch body' }] });
      const scan = new URL(`${endpoint}/t1()?$filter=${encodeURIComponent("kind eq 'incident'")}`);
      await (await fetch(scan)).text();
      // The threaded proxy names scans by message, so its list may trail its (shared, exact) counts by a moment.
      await vi.waitFor(() => expect(proxy.snapshot().scans).toEqual(['t1']));
      const counted = countsBetween(before, proxy.snapshot());
      expect(counted.total).toBe(3);
      expect(counted.byKind).toEqual({ point: 1, partition: 0, scan: 1, write: 1, service: 0 });
      expect(counted.unbounded).toBe(1);
      expect(counted.scans).toEqual(['t1']);
      expect(seen).toEqual([`GET /devstoreaccount1/t1(PartitionKey='a',RowKey='b') `, 'POST /devstoreaccount1/$batch batch body', `GET ${scan.pathname}${scan.search} `]);
    } finally {
      await proxy.close();
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});

describe('the users\' client on a thread of its own', () => {
  it('posts the body, answers with the status and text, and times the turn to the last byte', async () => {
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => setTimeout(() => res.end(`${req.method} ${req.headers['content-type']} ${body}`), 30));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const client = await startClientThread();
    try {
      const r = await client.post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, '{"type":"invoke"}');
      expect(r).toMatchObject({ status: 200, text: 'POST application/json {"type":"invoke"}' });
      expect(r.ms).toBeGreaterThanOrEqual(25);
      await expect(client.post('http://127.0.0.1:1/api/messages', '{}')).rejects.toThrow(/fetch failed/);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('latency figures', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it('runs users concurrently, each turn after the last, and counts failed turns', async () => {
    let inFlight = 0;
    let most = 0;
    const perUser = new Map<number, number>();
    const s = await closedLoop(4, 3, async (user, n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      perUser.set(user, (perUser.get(user) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { ms: n + 1, ok: n % 5 !== 0 };
    });
    expect(most).toBe(4);
    expect([...perUser.values()]).toEqual([3, 3, 3, 3]);
    expect(s.samples).toBe(12);
    expect(s.errors).toBe(3); // turns 0, 5 and 10
    expect(s.max).toBe(12);
  });

  it('misses a goal when any turn failed, however fast', () => {
    const [p50, p99] = latencyRows('list', 10, { samples: 10, p50: 20, p99: 40, max: 41, errors: 1 }, { p50: 150, p99: 600 });
    expect(p50).toMatchObject({ name: 'list, 10 users: p50', value: 20, goal: '< 150 ms', ok: false });
    expect(p99).toMatchObject({ name: 'list, 10 users: p99', ok: false });
    const [context] = latencyRows('list', 1, { samples: 10, p50: 20, p99: 40, max: 41, errors: 0 }, {});
    expect(context).toMatchObject({ goal: null, ok: null });
  });
});

describe('the cold-start verdict: a median of paired ratios', () => {
  it('bounds the median with the order statistics a 95% interval needs (exact binomial ranks)', () => {
    // Tabulated values for the sign-test interval: n=6 -> 1st and 6th, n=21 -> 6th and 16th, n=41 -> 14th and 28th.
    expect(medianIntervalRanks(6)).toEqual([1, 6]);
    expect(medianIntervalRanks(21)).toEqual([6, 16]);
    expect(medianIntervalRanks(41)).toEqual([14, 28]);
    // Too few values for 95%: the whole range.
    expect(medianIntervalRanks(5)).toEqual([1, 5]);
  });

  it('judges each load against the floor load beside it, so drift that falls on both cancels', () => {
    // The machine slows down by half late in the run: every load costs more, floor and function alike.
    const floor = [40, 40, 40, 40, 60, 60, 60];
    const timer = [79, 80, 81, 82, 118, 120, 122];
    const r = pairedRatio(timer, floor, 2);
    expect(r.median).toBeCloseTo(2.0, 5);
    expect(r.pairs).toBe(7);
    expect(r.over).toBe(3);
    // The ratio of the two medians (82 / 40) would mix a slow load of one with fast loads of the other: 2.05x.
    expect(82 / 40).toBeGreaterThan(2);
    // Too few pairs for a 95% interval narrower than them all: it is the whole range.
    expect([r.min, r.low, r.high, r.max].map((x) => Number(x.toFixed(3)))).toEqual([1.967, 1.967, 2.05, 2.05]);
    expect(() => pairedRatio([1, 2], [1])).toThrow(/as many baselines/);
  });
});
