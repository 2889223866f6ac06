import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import type { OutboxPayload, Target } from '../outbox/model';
import { TransportError, type Transport } from '../outbox/transport';

/** The outbox's way into Teams: proactive posts and updates through the Bot Connector. */
export function createTeamsTransport(adapter: TeamsAdapter, botAppId: string): Transport {
  const reference = (t: Target): Partial<ConversationReference> => ({
    channelId: 'msteams',
    serviceUrl: t.serviceUrl,
    conversation: { id: t.conversationId, tenantId: t.tenantId, isGroup: t.kind !== 'personal', conversationType: t.kind, name: '' },
  });
  const run = async <T>(target: Target, logic: (context: TurnContext) => Promise<T>) => {
    let out: T | undefined;
    try {
      await adapter.continueConversationAsync(botAppId, reference(target), async (context) => {
        out = await logic(context);
      });
    } catch (err) {
      throw toTransportError(err);
    }
    return out as T;
  };
  return {
    async post(target, payload) {
      return run(target, async (context) => {
        const res = await context.sendActivity(activityOf(payload));
        return { activityId: res?.id ?? '' };
      });
    },
    async update(target, activityId, payload) {
      await run(target, async (context) => {
        await context.updateActivity({ ...activityOf(payload), id: activityId, conversation: reference(target).conversation } as Partial<Activity>);
      });
    },
  };
}

function activityOf(payload: OutboxPayload): Partial<Activity> {
  const activity: Partial<Activity> = payload.card
    ? MessageFactory.attachment(CardFactory.adaptiveCard(payload.card), payload.text)
    : MessageFactory.text(payload.text ?? '');
  if (payload.summary) activity.summary = payload.summary;
  return activity;
}

function toTransportError(err: unknown): TransportError {
  const e = err as { statusCode?: number; message?: string; response?: { headers?: { get?(n: string): string | undefined } } };
  const retryAfter = e.response?.headers?.get?.('retry-after');
  return new TransportError(e.statusCode, e.message ?? String(err), parseRetryAfter(retryAfter));
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
