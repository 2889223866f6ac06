import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillPage, mergedPage, type MergeSource, type PageReader } from '../bot/store/paging';

/**
 * A model of one Azure table partition answering a filtered key-range query the way the service does: rows in key
 * order, at most `$top` matching rows a response, and a response that stops early (after scanning `scanLimit` rows,
 * matching or not: Azure's 5-second limit, a server boundary) with a continuation naming the next row to scan. So a
 * response can be short, or empty, while more follow; and a token, once given, always points further on.
 */
interface Row {
  key: string;
  shown: boolean;
}

function partition(rows: Row[], scanLimits: number[]) {
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : 1));
  let call = 0;
  let requests = 0;
  const query = (after: string, top: number, token?: string) => {
    requests++;
    const limit = scanLimits[call++ % scanLimits.length]!;
    let i = token ? sorted.findIndex((r) => r.key >= token.slice(4)) : 0;
    if (i < 0) i = sorted.length;
    const out: Row[] = [];
    let scanned = 0;
    for (; i < sorted.length && out.length < top && scanned < limit; i++, scanned++) {
      const r = sorted[i]!;
      if (r.key > after && r.shown) out.push(r);
    }
    // More may follow when the scan stopped before the end (Azure says so even when nothing more would match).
    return i < sorted.length ? { rows: out, next: `pos:${sorted[i]!.key}` } : { rows: out };
  };
  return { query, requests: () => requests, expected: sorted.filter((r) => r.shown).map((r) => r.key) };
}

const keyOf = (r: Row) => r.key;

/** Rows keyed `<source><n>` would sort by source; keys here interleave sources by a shared time-like number. */
const arbSource = (name: string) =>
  fc.record({
    rows: fc.uniqueArray(fc.record({ t: fc.integer({ min: 0, max: 999 }), shown: fc.boolean() }), { selector: (r) => r.t, maxLength: 40 }),
    scanLimits: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
  }).map(({ rows, scanLimits }) => ({ name, rows: rows.map((r) => ({ key: `t|${String(r.t).padStart(4, '0')}|${name}`, shown: r.shown })), scanLimits }));

describe('filling a page from one query whose responses may be short', () => {
  it('follows the continuation until the page is full, and "More" goes on from exactly there, each row once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(arbSource('a'), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 6 }), async (src, size, maxRequests) => {
        const p = partition(src.rows, src.scanLimits);
        const read: PageReader<Row> = ({ maxPageSize, continuationToken }) => Promise.resolve(p.query('', maxPageSize, continuationToken));
        const seen: string[] = [];
        let continuation: string | undefined;
        for (let turn = 0; turn < 500; turn++) {
          const page = await fillPage(read, { size, maxRequests, ...(continuation ? { continuation } : {}) });
          expect(page.requests).toBeLessThanOrEqual(maxRequests);
          expect(page.rows.length).toBeLessThanOrEqual(size);
          // Short only when the budget ran out, or at the end.
          if (page.next && page.rows.length < size) expect(page.requests).toBe(maxRequests);
          seen.push(...page.rows.map(keyOf));
          if (!page.next) break;
          expect(page.next).not.toBe(continuation); // always further on
          continuation = page.next;
        }
        expect(seen).toEqual(p.expected);
      }),
      { numRuns: 300 },
    );
  });

  it('an empty first response with a continuation is followed, not shown as an empty list', async () => {
    const p = partition([{ key: 'a', shown: false }, { key: 'b', shown: false }, { key: 'c', shown: true }, { key: 'd', shown: true }], [2, 10]);
    const page = await fillPage<Row>(({ maxPageSize, continuationToken }) => Promise.resolve(p.query('', maxPageSize, continuationToken)), { size: 10, maxRequests: 3 });
    expect(page.rows.map(keyOf)).toEqual(['c', 'd']);
    expect(page.next).toBeUndefined();
    expect(page.requests).toBe(2);
  });
});

describe('merging ordered queries (one per borough) into pages when responses may be short', () => {
  it('every row appears once across "More" presses, soonest first; pages are full unless the request budget ran out; each turn stays in budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 5 }).chain((names) => fc.tuple(...[...new Set(names)].map(arbSource))),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 6 }),
        async (srcs, size, extra) => {
          const parts = Object.fromEntries(srcs.map((s) => [s.name, partition(s.rows, s.scanLimits)]));
          const sources: Record<string, MergeSource<Row>> = Object.fromEntries(
            srcs.map((s) => [s.name, ({ after, maxPageSize, continuationToken }) => Promise.resolve(parts[s.name]!.query(after, maxPageSize, continuationToken))]),
          );
          const expected = srcs.flatMap((s) => parts[s.name]!.expected).sort();
          const maxRequests = srcs.length + extra;
          const seen: string[] = [];
          let after = 't|';
          let resume: Record<string, string> = {};
          for (let turn = 0; turn < 2000; turn++) {
            const page = await mergedPage(sources, keyOf, { size, after, resume, maxRequests });
            expect(page.requests).toBeLessThanOrEqual(maxRequests);
            expect(page.rows.length).toBeLessThanOrEqual(size);
            if (page.after && page.rows.length < size) expect(page.requests).toBe(maxRequests);
            seen.push(...page.rows.map(keyOf));
            if (!page.after) break;
            after = page.after;
            resume = page.resume;
          }
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a borough whose responses come back empty does not hold the list back: the next press resumes its scan further on', async () => {
    // Stockport holds many ended operations before its next upcoming one; the service gives up after 2 rows a response.
    const stockport = partition([...Array.from({ length: 20 }, (_, i) => ({ key: `t|${String(i).padStart(4, '0')}|s`, shown: false })), { key: 't|0050|s', shown: true }], [2]);
    const bury = partition([{ key: 't|0060|b', shown: true }], [10]);
    const sources: Record<string, MergeSource<Row>> = {
      stockport: ({ after, maxPageSize, continuationToken }) => Promise.resolve(stockport.query(after, maxPageSize, continuationToken)),
      bury: ({ after, maxPageSize, continuationToken }) => Promise.resolve(bury.query(after, maxPageSize, continuationToken)),
    };
    const first = await mergedPage(sources, keyOf, { size: 10, after: 't|', maxRequests: 4 });
    // Nothing may be shown yet (Bury's row could come after Stockport's unseen ones), but the scan has moved on.
    expect(first.rows).toEqual([]);
    expect(first.after).toBe('t|');
    expect(Object.keys(first.resume)).toEqual(['stockport']);
    const pages = [first];
    while (pages.at(-1)!.after) pages.push(await mergedPage(sources, keyOf, { size: 10, after: pages.at(-1)!.after!, resume: pages.at(-1)!.resume, maxRequests: 4 }));
    expect(pages.flatMap((p) => p.rows.map(keyOf))).toEqual(['t|0050|s', 't|0060|b']);
    expect(pages.length).toBe(4); // 2 + 3 × 3 follow-ups scan 21 rows, 2 at a time
  });
});
