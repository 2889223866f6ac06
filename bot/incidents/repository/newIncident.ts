import type { AppContext } from '../../kernel/context';
import type { BoroughId } from '../../common/borough';
import { allocate, counterKey, referenceFor, type ReferenceCounter } from '../rules/referenceCounter';
import { ConcurrencyError } from '../../store/errors';
import type { IncidentHistoryEntry, IncidentRecord } from '../model';
import { weekMarkOp } from '../weekMark';
import { counterKeys, incidentPartitionKey, submissionKeys } from '../tables';
import { loadIncident } from './read';

/**
 * A new incident: its reference allocated (Counters), then stored with its first history entry (Incidents,
 * IncidentIndex) and its report card's submission recorded (IncidentSubmissions), so a retried submission converges.
 */

const MAX_ALLOCATION_ATTEMPTS = 60;

/**
 * The next reference number of a borough and year for this submission: an
 * ETag-guarded increment of the counter row, retried with jittered backoff
 * when another report got there first. The same submission always gets the
 * same number back (see domain/referenceCounter.ts).
 */
export async function allocateReference(ctx: AppContext, borough: BoroughId, at: Date, submissionId: string): Promise<string> {
  const { key, code, year } = counterKey(borough, at, ctx.config.timeZone);
  const keys = counterKeys(key);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.store.counters.get(keys);
    const { next, sequence, changed } = allocate(current?.value, key, submissionId);
    try {
      if (changed) {
        if (current) await ctx.store.counters.update(next satisfies ReferenceCounter, current.etag);
        else await ctx.store.counters.create(next);
      }
      return referenceFor(code, year, sequence);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= MAX_ALLOCATION_ATTEMPTS) throw err;
      const backoff = Math.min(250, 5 * 2 ** Math.min(attempt, 6));
      await new Promise((r) => setTimeout(r, Math.random() * backoff));
    }
  }
}


/** The incident a report card's submission id stored, if any (the idempotency record of a report card). */
export async function submittedReference(ctx: AppContext, submissionId: string): Promise<string | undefined> {
  return (await ctx.store.incidentSubmissions.get(submissionKeys(submissionId)))?.value.reference;
}

/**
 * Writes a new incident so that any retry of the same submission converges:
 * index row, then incident and its first history entry in one transaction,
 * then the submission record. Returns the incident as stored (an earlier
 * attempt's, if there was one).
 */
export async function storeNewIncident(ctx: AppContext, record: IncidentRecord): Promise<IncidentRecord> {
  const partitionKey = incidentPartitionKey(record.borough, record.occurredAt, ctx.config.timeZone);
  try {
    await ctx.store.incidentIndex.create({ reference: record.reference, partitionKey });
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const already = await loadIncident(ctx, record.reference);
    if (already) {
      await recordSubmission(ctx, already.record);
      return already.record;
    }
    // An earlier attempt got no further than the index: point it at this attempt's partition.
    await ctx.store.incidentIndex.upsert({ reference: record.reference, partitionKey });
  }
  const created: IncidentHistoryEntry = {
    kind: 'history',
    reference: record.reference,
    partitionKey,
    version: 1,
    type: 'created',
    at: record.reportedAt,
    by: record.reporter,
    changes: [],
    submissionId: record.submissionId,
  };
  let stored = record;
  try {
    await ctx.store.incidents.transact([{ op: 'create', value: record }, { op: 'create', value: created }, weekMarkOp(partitionKey, record.reportedAt)]);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const already = await loadIncident(ctx, record.reference);
    if (!already) throw err;
    stored = already.record;
  }
  await recordSubmission(ctx, stored);
  return stored;
}

async function recordSubmission(ctx: AppContext, record: IncidentRecord): Promise<void> {
  try {
    await ctx.store.incidentSubmissions.create({ submissionId: record.submissionId, reference: record.reference, at: record.reportedAt });
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
}
