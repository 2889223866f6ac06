// The modules, not the package index: the index also loads the AI layer (planners, models, gpt-tokenizer),
// 1.5 MiB of code every cold start of `messages` would compile and never use. Same classes as the index exports.
import { Application } from '@microsoft/teams-ai/lib/Application';
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { ActivityTypes, CardFactory, MessageFactory, TeamsInfo, type TurnContext } from 'botbuilder';
import { ACTION_ROUTES, parseCommand } from '../commands';
import type { AppContext } from '../kernel/context';
import { recordInstallation } from '../conversation/install';
import { identifyCaller } from '../conversation/user';
import { gateUnknown } from '../directory/routes';
import { DIRECTORY_VERBS } from '../directory/verbs';
import { tenantServed } from '../directory/tenants';
import { StoreUnavailableError } from '../store/errors';
import { forgetInstallation } from '../channels/settings';
import { messageCard } from '../../cards/message';
import { welcomeCard } from '../../cards/welcome';
import type { AdaptiveCard } from '../../cards/render';
import { channelReferences, conversationReferenceOf, scopeOf, tenantOf } from './activity';
import { extensionFailure, registerExtensions } from './extensions';
import { runAction, runCommand, type Turn } from './gate';
import { rememberTeamsUser } from '../userViews/repository';

export { parseCommand } from '../commands';

/**
 * The sender's e-mail (or UPN) from Teams' member record: proposes the
 * organisation of someone asking for access. Absent when Teams will not say.
 */
async function emailOf(context: TurnContext): Promise<string | undefined> {
  const from = context.activity.from;
  if (!from?.id) return undefined;
  try {
    const member = await TeamsInfo.getMember(context, from.id);
    const address = member.email ?? member.userPrincipalName;
    return typeof address === 'string' && /^[^@\s]{1,64}@[^@\s]{1,253}$/.test(address) ? address.toLowerCase() : undefined;
  } catch {
    return undefined; // not every client or test connector answers member look-ups
  }
}

/** Set on a turn refused for its tenant, so the HTTP edge answers 403 whatever the activity type. */
export const TENANT_REFUSED = Symbol('tenantRefused');

export function createTeamsApp(ctx: AppContext, adapter: TeamsAdapter): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId: ctx.config.mode === 'production' ? ctx.config.bot.appId : '',
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  app.turn('beforeTurn', async (context) => {
    // Partner tenants: in production only the tenants the partnership directory lists are served. An
    // authenticated activity from any other tenant is refused (and logged) before any handler runs.
    if (ctx.config.mode !== 'production') return true;
    const tenant = tenantOf(context.activity);
    if (await tenantServed(ctx, tenant)) return true;
    ctx.log.warn('activity from a tenant the directory does not list refused', { tenant, type: context.activity.type });
    context.turnState.set(TENANT_REFUSED, true);
    // An invoke is answered 403 (without an answer botbuilder would say 501, "not implemented").
    if (context.activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
    return false;
  });

  const callerOf = (context: TurnContext) =>
    identifyCaller(ctx, { aadObjectId: context.activity.from?.aadObjectId, name: context.activity.from?.name, tenantId: tenantOf(context.activity) || undefined });

  const onInstall = async (context: TurnContext) => {
    const activity = context.activity;
    const botAdded =
      activity.type === 'installationUpdate'
        ? activity.action === 'add'
        : (activity.membersAdded ?? []).some((m) => m.id === activity.recipient.id);
    if (!botAdded) return;
    const now = ctx.clock().toISOString();
    const scope = scopeOf(activity);
    // TeamsInfo on this turn's context, not app.getTeamChannels: that one opens a second,
    // proactive turn (continueConversationAsync), which needs a bot app id a local run has not.
    const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    const channels = scope === 'team' && teamId ? channelReferences(activity, await TeamsInfo.getTeamChannels(context, teamId), now) : [];
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
  const turnOf = async (context: TurnContext): Promise<Turn> => {
    const caller = await callerOf(context);
    // A registered member's Teams user id: what a channel card's refresh.userIds names (bot/userViews/).
    const teamsUserId = context.activity.from?.id;
    if (caller.member && caller.aadObjectId && teamsUserId) {
      await rememberTeamsUser(ctx, caller.aadObjectId, teamsUserId).catch((err: Error) => ctx.log.warn('Teams user id not remembered', { error: err.message }));
    }
    return { caller, scope: scopeOf(context.activity), conversation: conversationReferenceOf(context.activity, ctx.clock().toISOString()) };
  };

  // Every command and card action goes through the one gate (./gate.ts): declared access and data schema first.
  app.activity('message', async (context) => {
    const turn = await turnOf(context);
    const text = context.activity.text ?? '';
    // Someone the directory does not know (or no longer admits) who says "help", or anything that is not a
    // command, gets the request-access card. A command goes through the gate as for anyone: the public ones
    // answer, the rest are refused (audited) with a pointer to asking for access.
    const command = parseCommand(text);
    const asksForAccess = !turn.caller.member && (!command || command.title === 'help');
    const card = (asksForAccess ? await gateUnknown(ctx, { ...turn, email: await emailOf(context) }) : undefined) ?? (await runCommand(ctx, text, turn));
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  for (const route of ACTION_ROUTES.values()) {
    app.adaptiveCards.actionExecute(route.verb, async (context, _state, data) => {
      const turn = await turnOf(context);
      const email = route.verb === DIRECTORY_VERBS.request ? await emailOf(context) : undefined;
      const card = await runAction(ctx, route, { ...turn, email }, data);
      // Answered here, not by returning the card: teams-ai turns a returned card that carries `refresh` into an
      // update of the message for everyone (its REPLACE_FOR_ALL), which would show one person's view of a channel
      // card (an alert's "your organisation acknowledged") to the whole channel. The invoke answer is the caller's.
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: cardInvokeResponse(card) });
      return card as never;
    });
  }

  // The message extension's commands (compose box, a message's "…" menu, search): through the same gate.
  registerExtensions(app, ctx, turnOf);

  // An invoke no route took (a card action without a known verb, a damaged one, an invoke this bot does not
  // offer): a card for card actions, 400 for the rest. Without this botbuilder answers 501.
  app.activity(ActivityTypes.Invoke, async (context) => {
    const value =
      context.activity.name === 'adaptiveCard/action'
        ? cardInvokeResponse(
            messageCard({ title: 'That button is out of date', text: 'Concordat did not recognise that action. Type **help** to see what it can do.', tone: 'warning' }),
          )
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
    const failed =
      activity.type === ActivityTypes.Invoke
        ? extensionFailure(
            activity.name,
            error instanceof StoreUnavailableError
              ? 'Not saved: Concordat cannot reach its storage right now, so nothing was saved. Please try again in a minute.'
              : 'Something went wrong: Concordat could not finish that. Please try again; if it keeps happening, tell your administrator.',
          )
        : undefined;
    if (failed) {
      // A message-extension invoke: Teams shows the answer in the dialog or the search list, never a card in the chat.
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: failed });
      return;
    }
    if (activity.type === ActivityTypes.Invoke && activity.name === 'adaptiveCard/action') {
      // A card button: Teams waits for the invoke response and shows its card in place of the one clicked.
      // Without a response the adapter answers 501 and Teams shows only a generic failure.
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: cardInvokeResponse(withRetryButton(card, activity)) });
      return;
    }
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  return app;
}

/** An Action.Execute answer: the card shown to the person who pressed the button (or whose client refreshed). */
function cardInvokeResponse(card: AdaptiveCard): { status: number; body: unknown } {
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } };
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
