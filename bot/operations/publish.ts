/**
 * What scheduling, moving and cancelling post, always through the durable
 * outbox with ids derived from what the message is for: a retried request,
 * a redelivered invoke or a second timer run enqueues nothing twice.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../kernel/context';
import type { ConversationReference } from '../conversation/model';
import type { JointOperation } from './model';
import { findReminder } from './repository';
import { enqueue, type OutgoingMessage } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import type { AdaptiveCard } from '../../cards/render';
import { allReminders } from './rules/reminderSchedule';
import { operationChannels } from './recipients';
import { reminderBatch } from './reminderRows';

/** A short stable key for a conversation id, which may hold characters outbox ids cannot. */
export function conversationKey(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 16);
}

export const postBatch = (op: Pick<JointOperation, 'id'>) => `op.${op.id}`;
export const postItemId = (op: Pick<JointOperation, 'id'>, conversationId: string) => `op.${op.id}.post.${conversationKey(conversationId)}`;

/** Posts the operation card to the channels recorded on the operation. */
export async function postToChannels(ctx: AppContext, op: JointOperation, card: AdaptiveCard, summary: string): Promise<number> {
  const channels = await operationChannels(ctx, op);
  const messages: OutgoingMessage[] = channels.map((c) => ({
    id: postItemId(op, c.conversationId),
    target: targetOf(c),
    payload: { card, summary },
  }));
  await enqueue(ctx, postBatch(op), messages);
  return channels.length;
}

/**
 * Replaces the channel posts with a new card. `tag` names the change (v3,
 * cancelled, outcomes-…): one update per change, however often it is retried.
 */
export async function updateChannelPosts(ctx: AppContext, op: JointOperation, tag: string, card: AdaptiveCard, summary: string): Promise<void> {
  const channels = await operationChannels(ctx, op);
  const messages: OutgoingMessage[] = channels.map((c) => ({
    id: `op.${op.id}.${tag}.upd.${conversationKey(c.conversationId)}`,
    target: targetOf(c),
    payload: { card, summary },
    updateOf: { batchId: postBatch(op), id: postItemId(op, c.conversationId) },
  }));
  await enqueue(ctx, `op.${op.id}.${tag}`, messages);
}

/**
 * Keeps the reminders already posted in channels current: each reminder of
 * `version` (an operation as it was when they were planned) that was sent
 * has its channel posts replaced by `card`, so a "Scheduled" reminder or an
 * "outcomes are due" post does not go on saying so after the operation was
 * completed, moved or cancelled. Point reads of the planned reminder rows;
 * a post that never went out is skipped by the sender.
 */
export async function updateReminderPosts(ctx: AppContext, version: JointOperation, tag: string, card: AdaptiveCard, summary: string): Promise<number> {
  const channels = await operationChannels(ctx, version);
  if (channels.length === 0) return 0;
  const messages: OutgoingMessage[] = [];
  for (const r of allReminders(version, ctx.config.timeZone)) {
    const row = await findReminder(ctx, r);
    if (row?.value.status !== 'sent') continue;
    const batch = reminderBatch(r.id);
    for (const c of channels) {
      messages.push({
        id: `${batch}.${tag}.upd.${conversationKey(c.conversationId)}`,
        target: targetOf(c),
        payload: { card, summary },
        updateOf: { batchId: batch, id: `${batch}.c.${conversationKey(c.conversationId)}` },
      });
    }
  }
  if (messages.length) await enqueue(ctx, `op.${version.id}.${tag}.reminders`, messages);
  return messages.length;
}

/** One personal message per person, each with an id of `<batch>.p.<person>`. */
export async function sendPersonal(
  ctx: AppContext,
  batchId: string,
  people: { aadObjectId: string; chat: ConversationReference; card: AdaptiveCard; summary: string }[],
): Promise<void> {
  await enqueue(
    ctx,
    batchId,
    people.map((p) => ({ id: `${batchId}.p.${p.aadObjectId}`, target: targetOf(p.chat), payload: { card: p.card, summary: p.summary } })),
  );
}

/** The same card to several channels (a reminder for people Concordat cannot reach privately). */
export async function sendToChannels(ctx: AppContext, batchId: string, channels: ConversationReference[], card: AdaptiveCard, summary: string): Promise<void> {
  await enqueue(
    ctx,
    batchId,
    channels.map((c) => ({ id: `${batchId}.c.${conversationKey(c.conversationId)}`, target: targetOf(c), payload: { card, summary } })),
  );
}
