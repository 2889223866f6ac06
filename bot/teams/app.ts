import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { ACTION_ROUTES } from '../commands';
import type { AppContext } from '../context';
import { recordInstallation } from '../conversation/install';
import { identifyCaller } from '../conversation/user';
import { StoreUnavailableError } from '../store/errors';
import { forgetInstallation } from '../channels/settings';
import { messageCard } from '../../cards/message';
import { welcomeCard } from '../../cards/welcome';
import type { AdaptiveCard } from '../../cards/render';
import { channelReferences, conversationReferenceOf, scopeOf, tenantOf } from './activity';
import { runAction, runCommand, type Turn } from './gate';

export { parseCommand } from '../commands';

export function createTeamsApp(ctx: AppContext, adapter: TeamsAdapter): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId: ctx.config.mode === 'production' ? ctx.config.bot.appId : '',
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  const allowedTenant = ctx.config.mode === 'production' ? ctx.config.bot.tenantId : undefined;
  app.turn('beforeTurn', async (context) => {
    // The bot serves one tenant: an authenticated activity from another tenant is still refused.
    if (allowedTenant && tenantOf(context.activity) !== allowedTenant) {
      ctx.log.warn('activity from another tenant refused', { tenant: tenantOf(context.activity) });
      // An invoke is answered 403 (without an answer botbuilder would say 501, "not implemented").
      if (context.activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
      return false;
    }
    return true;
  });

  const callerOf = (context: TurnContext) =>
    identifyCaller(ctx, { aadObjectId: context.activity.from?.aadObjectId, name: context.activity.from?.name });

  const onInstall = async (context: TurnContext) => {
    const activity = context.activity;
    const botAdded =
      activity.type === 'installationUpdate'
        ? activity.action === 'add'
        : (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
    if (!botAdded) return;
    const now = ctx.clock().toISOString();
    const scope = scopeOf(activity);
    const channels = scope === 'team' ? channelReferences(activity, await app.getTeamChannels(context), now) : [];
    const { welcome } = await recordInstallation(ctx, conversationReferenceOf(activity, now), channels);
    if (welcome) {
      const teamName = (activity.channelData as { team?: { name?: string } } | undefined)?.team?.name;
      await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(welcomeCard({ scope, teamName }))));
    }
  };
  const onUninstall = async (context: TurnContext) => {
    const activity = context.activity;
    const botRemoved =
      activity.type === 'installationUpdate'
        ? activity.action === 'remove'
        : (activity.membersRemoved ?? []).some((m) => m.id === activity.recipient.id);
    if (botRemoved) await forgetInstallation(ctx, conversationReferenceOf(activity, ctx.clock().toISOString()));
  };
  app.conversationUpdate('membersAdded', onInstall);
  app.conversationUpdate('membersRemoved', onUninstall);
  app.activity('installationUpdate', async (context) => (context.activity.action === 'remove' ? onUninstall(context) : onInstall(context)));

  /** Who asked and where, for the gate. */
  const turnOf = async (context: TurnContext): Promise<Turn> => ({
    caller: await callerOf(context),
    scope: scopeOf(context.activity),
    conversation: conversationReferenceOf(context.activity, ctx.clock().toISOString()),
  });

  // Every command and card action goes through the one gate (./gate.ts): declared access and data schema first.
  app.activity('message', async (context) => {
    const card = await runCommand(ctx, context.activity.text ?? '', await turnOf(context));
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  for (const route of ACTION_ROUTES.values()) {
    app.adaptiveCards.actionExecute(route.verb, async (context, _state, data) => (await runAction(ctx, route, await turnOf(context), data)) as never);
  }

  // An invoke no route took (a card action without a known verb, a damaged one, an invoke this bot does not
  // offer): a card for card actions, 400 for the rest. Without this botbuilder answers 501.
  app.activity(ActivityTypes.Invoke, async (context) => {
    const value =
      context.activity.name === 'adaptiveCard/action'
        ? {
            status: 200,
            body: {
              statusCode: 200,
              type: 'application/vnd.microsoft.card.adaptive',
              value: messageCard({ title: 'That button is out of date', text: 'Concordat did not recognise that action. Type **help** to see what it can do.', tone: 'warning' }),
            },
          }
        : { status: 400, body: { error: `Concordat does not handle the invoke "${String(context.activity.name ?? '').slice(0, 60)}"` } };
    await context.sendActivity({ type: ActivityTypes.InvokeResponse, value });
  });

  app.error(async (context, error) => {
    ctx.log.error('turn failed', { error: error.message, type: context.activity.type });
    const card =
      error instanceof StoreUnavailableError
        ? messageCard({
            title: 'Not saved — please try again',
            text: 'Concordat cannot reach its storage right now, so nothing was saved. Please try again in a minute.',
            tone: 'attention',
          })
        : messageCard({ title: 'Something went wrong', text: 'Concordat could not finish that. Please try again; if it keeps happening, tell your administrator.', tone: 'attention' });
    const activity = context.activity;
    if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
      // A card button: Teams waits for the invoke response and shows its card in place of the one clicked.
      // Without a response the adapter answers 501 and Teams shows only a generic failure.
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: withRetryButton(card, activity) } },
      });
      return;
    }
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  return app;
}

/**
 * In a personal chat, the error card offers "Try again" with the clicked action's own data: the same
 * submission id, so a retry converges on what the first attempt began (an incident keeps the reference
 * number it was given) and nothing typed is lost. Not in channels or group chats, where the card's data
 * would be visible to others.
 */
function withRetryButton(card: AdaptiveCard, activity: TurnContext['activity']): AdaptiveCard {
  const action = (activity.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
  const verb = typeof action?.verb === 'string' ? action.verb : undefined;
  const data = action?.data && typeof action.data === 'object' && !Array.isArray(action.data) ? action.data : {};
  if (scopeOf(activity) !== 'personal' || !verb || !ACTION_ROUTES.has(verb) || JSON.stringify(data).length > 16_000) return card;
  const retry = { type: 'Action.Execute', title: 'Try again', verb, data: { ...data, verb } };
  return { ...card, actions: [retry, ...((card.actions as unknown[] | undefined) ?? [])] };
}
