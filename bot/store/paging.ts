/**
 * Filling one page of a list from storage queries that answer a page at a
 * time. Azure Table Storage may answer a query with fewer rows than `$top`,
 * even none, and a continuation token: after 5 seconds of work, at a
 * partition or server boundary, or after scanning rows its filter rejected.
 * A list that reads one response per turn then shows a short page, and one
 * that continues "after the last row shown" makes no progress when nothing
 * was shown. These helpers follow the service's own continuation, within a
 * request budget, so every list pages forward, in order, each row once.
 * Knows no feature: the reads are passed in.
 */

/** One storage response: at most `maxPageSize` rows and, when more may follow, the service's continuation token. */
export interface PageRead<T> {
  rows: T[];
  next?: string;
}

export type PageReader<T> = (opts: { maxPageSize: number; continuationToken?: string }) => Promise<PageRead<T>>;

/**
 * One page of one ordered query: reads from `continuation` (the first page:
 * from the start) and follows the service's continuation while the page is
 * short, up to `maxRequests` reads. `next` is the service's token after the
 * last row returned, absent when nothing follows, so the next page starts
 * exactly there: no repeat, no gap, and always further on, even when the
 * budget ran out on empty responses. Each read asks only for the rows still
 * missing, so a page never holds more than `size` rows.
 */
export async function fillPage<T>(read: PageReader<T>, opts: { size: number; continuation?: string; maxRequests: number }): Promise<PageRead<T> & { requests: number }> {
  const rows: T[] = [];
  let next = opts.continuation;
  let requests = 0;
  do {
    const page = await read({ maxPageSize: opts.size - rows.length, ...(next ? { continuationToken: next } : {}) });
    requests++;
    rows.push(...page.rows);
    next = page.next;
  } while (next && rows.length < opts.size && requests < Math.max(1, opts.maxRequests));
  return next ? { rows, next, requests } : { rows, requests };
}

/** One of the ordered queries `mergedPage` merges: its rows with a key greater than `after`, in key order. */
export type MergeSource<T> = (opts: { after: string; maxPageSize: number; continuationToken?: string }) => Promise<PageRead<T>>;

export interface MergedPage<T> {
  /** At most `size` rows, in key order, every one after the page's start. */
  rows: T[];
  /** The key the next page starts after; absent when nothing follows. */
  after?: string;
  /**
   * Per source, the service's token to resume its scan from on the next page:
   * only for a source whose every row read is on this page or before it, so
   * resuming skips nothing. Without it a source whose responses came back
   * empty would be scanned from the same place again, and never get further.
   * '' for a source read to its end: the next pages do not read it. (So an
   * operation added to it meanwhile shows in a new list, not in this one.)
   */
  resume: Record<string, string>;
  requests: number;
}

/**
 * One page of several ordered queries merged by key (e.g. one per borough),
 * starting after the key `after`. Keys are unique across sources. Each
 * source is read once (from `resume[id]` when given); then, while the page is
 * short, the source that bounds it is read further, up to `maxRequests`
 * reads in all. A source that has more to give bounds what can be shown:
 * no row past its last one read may be shown yet, or a row it has not
 * returned could be skipped. `maxResumeChars` keeps the resume tokens small
 * enough for a card's "More" token; the sources that bound the page come
 * first, so the one that stopped progress always resumes further on.
 */
export async function mergedPage<T>(
  sources: Readonly<Record<string, MergeSource<T>>>,
  keyOf: (row: T) => string,
  opts: { size: number; after: string; resume?: Readonly<Record<string, string>>; maxRequests: number; maxResumeChars?: number },
): Promise<MergedPage<T>> {
  const ids = Object.keys(sources);
  const read = (id: string, continuationToken?: string) =>
    sources[id]!({ after: opts.after, maxPageSize: opts.size, ...(continuationToken ? { continuationToken } : {}) });
  const state = new Map<string, { rows: T[]; next?: string; from?: string }>();
  let requests = 0;
  await Promise.all(
    ids.map(async (id) => {
      const from = opts.resume?.[id];
      // '': an earlier page found that this source has nothing after `after`.
      if (from === DONE) return void state.set(id, { rows: [] });
      const page = await read(id, from);
      requests++;
      state.set(id, { rows: [...page.rows], ...(page.next ? { next: page.next } : {}), ...(from ? { from } : {}) });
    }),
  );
  const lastKey = (id: string) => {
    const rows = state.get(id)!.rows;
    return rows.length ? keyOf(rows[rows.length - 1]!) : opts.after;
  };
  // The sources that may still hold rows, the one that has read the least far first.
  const open = () => ids.filter((id) => state.get(id)!.next !== undefined).sort((a, b) => compare(lastKey(a), lastKey(b)));
  const shown = () => {
    const bound = open()[0];
    const frontier = bound === undefined ? undefined : lastKey(bound);
    return [...state.values()]
      .flatMap((s) => s.rows)
      .filter((r) => frontier === undefined || compare(keyOf(r), frontier) <= 0)
      .sort((a, b) => compare(keyOf(a), keyOf(b)));
  };
  let known = shown();
  while (known.length < opts.size && requests < opts.maxRequests) {
    const bound = open()[0];
    if (bound === undefined) break;
    const s = state.get(bound)!;
    const page = await read(bound, s.next);
    requests++;
    s.rows.push(...page.rows);
    if (page.next) s.next = page.next;
    else delete s.next;
    known = shown();
  }
  const rows = known.slice(0, opts.size);
  const more = known.length > opts.size || open().length > 0;
  const after = rows.length ? keyOf(rows[rows.length - 1]!) : opts.after;
  // Where each source goes on from. No source ever goes back: each press shows a row or moves the scan of the
  // source that held the page back further on, so "More" always ends.
  const resume: Record<string, string> = {};
  const tokens: [string, string][] = [];
  for (const id of [...open(), ...ids.filter((i) => state.get(i)!.next === undefined)]) {
    const s = state.get(id)!;
    if (compare(lastKey(id), after) <= 0) {
      // Every row read is shown: on from the service's token, or, read to its end, not read again (each press would
      // spend a request on it otherwise).
      if (s.next === undefined) resume[id] = DONE;
      else tokens.push([id, s.next]);
    } else if (s.from && compare(keyOf(s.rows[0]!), after) > 0) {
      // Rows read but none shown, read from a token: that token again (still good: nothing before it is unseen).
      tokens.push([id, s.from]);
    }
    // Otherwise some of its rows were shown and some not: on from the page's last key.
  }
  let chars = 0;
  for (const [id, token] of tokens) {
    chars += id.length + token.length + 6;
    if (chars > (opts.maxResumeChars ?? 1200) && Object.keys(resume).some((k) => resume[k] !== DONE)) break;
    resume[id] = token;
  }
  return more ? { rows, after, resume, requests } : { rows, resume: {}, requests };
}

/** In `resume`: this source has nothing after the page's start. */
const DONE = '';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
