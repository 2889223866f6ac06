import { channelsFor } from '../channels/lookup';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import { type Priority, type PrioritySet, PrioritySet as PrioritySetSchema } from './model';
import { diffPriorities, hasChanges, type PriorityChanges } from './rules/diff';
import { stableId } from '../common/stableId';
import { enqueue, type OutgoingMessage } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { createPriorityVersion, priorityPostIn, priorityVersion, priorityVersions, recordPriorityPost } from './repository';
import { messageCard } from '../../cards/message';
import { prioritiesCard } from '../../cards/priorities';
import { prioritiesCardData } from './views';
import { allThemes, organisationById } from '../referenceData';
import { findActiveMember } from '../directory/repository';

export interface PublishRequest {
  borough: BoroughId;
  effectiveFrom: string;
  changeNote: string;
  priorities: Priority[];
  publishedBy: string;
  organisationId: string;
  submissionId: string;
  /** The version the author edited; a newer one published meanwhile is a conflict, not an overwrite. */
  baseVersion?: number;
}

export type PublishResult =
  | { ok: true; set: PrioritySet; changes: PriorityChanges; channels: number; duplicate: boolean }
  | { ok: false; reason: 'no-changes' | 'conflict'; message: string }
  /** A field of the request is missing or wrong for this version (a later version must say what changed). */
  | { ok: false; reason: 'invalid'; field: 'changeNote'; message: string };

export const CHANGE_NOTE_NEEDED = 'Say what changed and why: partners read this with the updated priorities';

export async function latestPriorities(ctx: AppContext, borough: BoroughId): Promise<PrioritySet | undefined> {
  return (await priorityVersions(ctx, borough)).at(-1);
}

/**
 * Publishes a new version of a borough's priorities, stored first, then
 * posted to every mapped channel: a new card where there is none, an
 * in-place update of the existing card plus a short "what changed" note
 * where there is.
 */
export async function publishPriorities(ctx: AppContext, req: PublishRequest): Promise<PublishResult> {
  const latest = await latestPriorities(ctx, req.borough);
  if (latest?.submissionId === req.submissionId) {
    const previous = latest.version > 1 ? await priorityVersion(ctx, req.borough, latest.version - 1) : undefined;
    const channels = await fanOut(ctx, latest, previous);
    return { ok: true, set: latest, changes: diffPriorities(previous?.priorities ?? [], latest.priorities), channels, duplicate: true };
  }
  if (req.baseVersion !== undefined && (latest?.version ?? 0) !== req.baseVersion) {
    return { ok: false, reason: 'conflict', message: `Someone published version ${latest?.version} while you were editing. Open the form again to start from it.` };
  }
  const changes = diffPriorities(latest?.priorities ?? [], req.priorities);
  if (latest && !hasChanges(changes)) return { ok: false, reason: 'no-changes', message: 'Nothing changed from the current version.' };
  // The stored set requires a note from version 2 on: check it here, as a field error, not as a thrown parse.
  if (latest && !req.changeNote.trim()) return { ok: false, reason: 'invalid', field: 'changeNote', message: CHANGE_NOTE_NEEDED };

  const set = PrioritySetSchema.parse({
    borough: req.borough,
    version: (latest?.version ?? 0) + 1,
    effectiveFrom: req.effectiveFrom,
    publishedAt: ctx.clock().toISOString(),
    publishedBy: req.publishedBy,
    changeNote: req.changeNote,
    priorities: req.priorities,
    submissionId: req.submissionId,
  });
  if (!(await createPriorityVersion(ctx, set))) {
    return { ok: false, reason: 'conflict', message: 'Someone published a new version at the same moment. Open the form again to start from it.' };
  }
  const channels = await fanOut(ctx, set, latest);
  ctx.log.info('priorities published', { borough: set.borough, version: set.version, channels });
  return { ok: true, set, changes, channels, duplicate: false };
}

async function fanOut(ctx: AppContext, set: PrioritySet, previous: PrioritySet | undefined): Promise<number> {
  const themes = (await allThemes(ctx)).map((t) => ({ id: t.id, name: t.name }));
  const publisher = await findActiveMember(ctx, set.publishedBy);
  const org = publisher && (await organisationById(ctx, publisher.organisationId));
  const card = prioritiesCard(prioritiesCardData(set, themes, org?.name ?? 'the police division', ctx.config.timeZone));
  const changes = previous ? diffPriorities(previous.priorities, set.priorities) : undefined;
  const batchId = `prio.${set.borough}.v${set.version}`;
  const messages: OutgoingMessage[] = [];
  for (const channel of await channelsFor(ctx, set.borough)) {
    const target = targetOf(channel);
    const existing = await priorityPostIn(ctx, set.borough, channel.conversationId);
    const itemId = stableId(`${batchId}.card`, channel.conversationId);
    if (existing && existing.version < set.version) {
      messages.push({ id: itemId, target, payload: { card, summary: 'Policing priorities updated' }, updateOf: { batchId: existing.batchId, id: existing.itemId } });
      if (changes) {
        messages.push({ id: stableId(`${batchId}.note`, channel.conversationId), target, payload: { card: changeNoteCard(set, changes), summary: 'What changed in the priorities' } });
      }
    } else if (!existing || existing.itemId === itemId) {
      messages.push({ id: itemId, target, payload: { card, summary: 'Policing priorities' } });
      if (!existing) await recordPriorityPost(ctx, { borough: set.borough, conversationId: channel.conversationId, batchId, itemId, version: set.version });
    }
  }
  await enqueue(ctx, batchId, messages);
  return messages.filter((m) => !m.id.includes('.note')).length;
}

export function changeNoteCard(set: PrioritySet, c: PriorityChanges) {
  const lines = [
    ...c.added.map((p) => `- Added: **${p.title}**`),
    ...c.removed.map((p) => `- Removed: ${p.title}`),
    ...c.reworded.map((r) => (r.from.title === r.to.title ? `- Updated: **${r.to.title}**` : `- Reworded: ${r.from.title} → **${r.to.title}**`)),
  ];
  return messageCard({
    title: `Priorities updated to version ${set.version}`,
    text: `${lines.join('\n')}${set.changeNote ? `\n\n${set.changeNote}` : ''}\n\nThe priorities card above has been updated.`,
  });
}
