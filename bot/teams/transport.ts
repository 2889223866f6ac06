import { AsyncLocalStorage } from 'node:async_hooks';
import type { TeamsAdapter } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { OutboxPayload, Target } from '../outbox/model';
import { TransportError, type Dispatch, type Transport } from '../outbox/transport';
import type { Config } from '../kernel/config';
import { createAdapter } from './adapter';

/** The sender's transport on an adapter of its own: loads the Bot Connector, not the app's routes. */
export function connectorTransport(config: Config): Transport {
  return createTeamsTransport(createAdapter(config), config.mode === 'production' ? config.bot.appId : '');
}

/** The part of the connector client's request pipeline (@azure/core-rest-pipeline) used here. */
interface Pipeline {
  removePolicy(options: { phase: 'Retry' }): unknown;
  getOrderedPolicies(): { name: string }[];
  addPolicy(policy: { name: string; sendRequest(request: unknown, next: (request: unknown) => Promise<unknown>): Promise<unknown> }, options: { phase: 'Sign' }): void;
}

/** The pacing of the request being sent, for the pipeline policy that waits for its slot. */
const dispatching = new AsyncLocalStorage<Dispatch>();
const DISPATCH_POLICY = 'concordatPacedDispatch';

/** The outbox's way into Teams: proactive posts and updates through the Bot Connector. */
export function createTeamsTransport(adapter: TeamsAdapter, botAppId: string): Transport {
  const reference = (t: Target): Partial<ConversationReference> => ({
    channelId: 'msteams',
    serviceUrl: t.serviceUrl,
    conversation: { id: t.conversationId, tenantId: t.tenantId, isGroup: t.kind !== 'personal', conversationType: t.kind, name: '' },
  });
  const run = async <T>(target: Target, dispatch: Dispatch, logic: (context: TurnContext) => Promise<T>): Promise<T> =>
    // The request's pacing travels with it through the SDK's turn to the pipeline policy below.
    dispatching.run(dispatch, () => turn(target, logic));
  const turn = async <T>(target: Target, logic: (context: TurnContext) => Promise<T>): Promise<T> => {
    // Errors are caught inside the turn and rethrown outside it: thrown inside, the adapter would hand
    // them to the app's turn-error handler, which answers with an error card in that conversation.
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    try {
      await adapter.continueConversationAsync(botAppId, reference(target), async (context) => {
        try {
          outcome = { ok: true, value: await logic(context) };
        } catch (error) {
          outcome = { ok: false, error };
        }
      });
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (!outcome) throw new TransportError(undefined, 'the proactive turn did not run');
    if (!outcome.ok) throw toTransportError(outcome.error);
    return outcome.value;
  };
  // The connector client of the proactive turn, used directly so each request can be aborted,
  // and without its own retry policies: the outbox is the one place that retries (no hidden duplicates).
  // Paced last: after the SDK has built the turn, signed the request (token) and serialised the card, so the
  // pacer's spacing is the spacing at which requests leave, not at which they started being built.
  const connectorOf = (context: TurnContext): ConnectorClient => {
    const client = context.turnState.get(adapter.ConnectorClientKey) as ConnectorClient;
    const pipeline = (client as unknown as { client: { pipeline: Pipeline } }).client.pipeline;
    pipeline.removePolicy({ phase: 'Retry' });
    if (!pipeline.getOrderedPolicies().some((p) => p.name === DISPATCH_POLICY)) {
      pipeline.addPolicy(
        {
          name: DISPATCH_POLICY,
          async sendRequest(request, next) {
            await dispatching.getStore()?.ready();
            return next(request);
          },
        },
        { phase: 'Sign' },
      );
    }
    return client;
  };
  const addressed = (context: TurnContext, payload: OutboxPayload) =>
    TurnContext.applyConversationReference(activityOf(payload), TurnContext.getConversationReference(context.activity));
  return {
    async post(target, payload, dispatch) {
      return run(target, dispatch, async (context) => {
        const res = await connectorOf(context).conversations.sendToConversation(target.conversationId, addressed(context, payload), { abortSignal: dispatch.signal });
        return { activityId: res.id ?? '' };
      });
    },
    async update(target, activityId, payload, dispatch) {
      await run(target, dispatch, async (context) => {
        const activity = { ...addressed(context, payload), id: activityId } as Partial<Activity>;
        await connectorOf(context).conversations.updateActivity(target.conversationId, activityId, activity, { abortSignal: dispatch.signal });
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
