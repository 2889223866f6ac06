import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { COMMANDS, type Scope } from '../commands';
import type { AppContext } from '../context';
import type { ConversationReference } from '../domain/conversation';
import { buildHelpCard } from '../conversation/help';
import { recordInstallation } from '../conversation/install';
import { buildUnknownCard } from '../conversation/unknown';
import { identifyCaller, type Caller } from '../conversation/user';
import { StoreUnavailableError } from '../store/errors';
import { personalConversationOf } from '../conversation/personal';
import { openEditForm, openUpdateForm, submitEdit, submitUpdate } from '../incidents/change';
import { linkToOperation, openLinkForm } from '../incidents/link';
import { filtersFromCard, listIncidents, parseListArgs } from '../incidents/list';
import { openReportForm } from '../incidents/reportForm';
import type { IncidentRequest } from '../incidents/request';
import { submitReport } from '../incidents/submit';
import { viewIncident } from '../incidents/view';
import { acknowledgeFromCard } from '../alerts/acknowledgeCard';
import { openAlertForm, submitAlertForm } from '../alerts/form';
import { listRecentAlerts } from '../alerts/list';
import { forgetInstallation, listChannelMappings, openChannelSettings, removeChannelMapping, saveChannelSettings } from '../channels/settings';
import { openPrioritiesForm, submitPrioritiesForm } from '../priorities/form';
import { showPriorities } from '../priorities/show';
import * as ops from '../operations/commands';
import { allowDigestMember, digestNow, openDigestSettings, saveDigestSettings, stopDigests } from '../digests/settings';
import { proposeOperation, showHotspotIncidents } from '../warnings/actions';
import { messageCard } from '../../cards/message';
import { welcomeCard } from '../../cards/welcome';
import type { AdaptiveCard } from '../../cards/render';
import { channelReferences, conversationReferenceOf, scopeOf, tenantOf } from './activity';

/** What a command handler is given: the caller and where they asked. No Teams types. */
export interface CommandRequest {
  caller: Caller;
  scope: Scope;
  /** Text after the command word. */
  args: string;
  /** Where the request was made, as a place the bot can post back to. */
  conversation: ConversationReference;
}
export type CommandHandler = (ctx: AppContext, request: CommandRequest) => Promise<AdaptiveCard>;

/** Incident use cases see who asked and where, and can find the asker's personal chat for private details. */
function incidentRequest(ctx: AppContext, { caller, scope, conversation }: CommandRequest): IncidentRequest {
  return {
    caller,
    scope,
    personalChat: async () =>
      conversation.kind === 'personal' ? conversation : caller.aadObjectId ? personalConversationOf(ctx, caller.aadObjectId) : undefined,
  };
}
const referenceIn = (data: unknown): string => String((data as { reference?: unknown } | null)?.reference ?? '');

/** Every command in bot/commands.ts must have a handler here, and nothing else (a test checks). */
export const COMMAND_HANDLERS: Record<string, CommandHandler> = {
  help: async (_ctx, { caller, scope }) => buildHelpCard(caller, scope),
  report: (ctx, { caller }) => openReportForm(ctx, caller),
  incidents: (ctx, req) => listIncidents(ctx, incidentRequest(ctx, req), parseListArgs(req.args)),
  incident: (ctx, req) => viewIncident(ctx, incidentRequest(ctx, req), req.args),
  priorities: (ctx, { caller, args }) => showPriorities(ctx, caller, args),
  'publish priorities': (ctx, { caller, args }) => openPrioritiesForm(ctx, caller, args),
  alert: (ctx, { caller }) => openAlertForm(ctx, caller),
  alerts: (ctx, { caller }) => listRecentAlerts(ctx, caller),
  'channel settings': (ctx, { caller, conversation }) => openChannelSettings(ctx, caller, conversation),
  channels: (ctx, { caller }) => listChannelMappings(ctx, caller),
  schedule: (ctx, req) => ops.scheduleCommand(ctx, req),
  operations: (ctx, req) => ops.operationsCommand(ctx, req),
  operation: (ctx, req) => ops.operationCommand(ctx, req),
  'digest settings': (ctx, { caller }) => openDigestSettings(ctx, caller),
  'digest now': (ctx, { caller, args }) => digestNow(ctx, caller, args),
};

/** Universal Action verbs: each returns the card that replaces the one clicked. */
export const ACTION_HANDLERS: Record<string, (ctx: AppContext, request: CommandRequest & { data: unknown }) => Promise<AdaptiveCard>> = {
  help: async (_ctx, { caller, scope }) => buildHelpCard(caller, scope),
  'incident.report': (ctx, { caller }) => openReportForm(ctx, caller),
  'incident.submit': (ctx, { caller, data }) => submitReport(ctx, caller, data),
  'incident.view': (ctx, req) => viewIncident(ctx, incidentRequest(ctx, req), referenceIn(req.data)),
  'incident.update.form': (ctx, req) => openUpdateForm(ctx, incidentRequest(ctx, req), req.data),
  'incident.update.submit': (ctx, req) => submitUpdate(ctx, incidentRequest(ctx, req), req.data),
  'incident.edit.form': (ctx, req) => openEditForm(ctx, incidentRequest(ctx, req), req.data),
  'incident.edit.submit': (ctx, req) => submitEdit(ctx, incidentRequest(ctx, req), req.data),
  'incident.link': (ctx, req) => openLinkForm(ctx, incidentRequest(ctx, req), req.data),
  'incident.link.submit': (ctx, req) => linkToOperation(ctx, incidentRequest(ctx, req), req.data),
  'incidents.list': (ctx, req) => listIncidents(ctx, incidentRequest(ctx, req), filtersFromCard(req.data)),
  alert: (ctx, { caller }) => openAlertForm(ctx, caller),
  alerts: (ctx, { caller }) => listRecentAlerts(ctx, caller),
  'alert.submit': (ctx, { caller, data }) => submitAlertForm(ctx, caller, data),
  'alert.ack': (ctx, { caller, data }) => acknowledgeFromCard(ctx, caller, data),
  'priorities.submit': (ctx, { caller, data }) => submitPrioritiesForm(ctx, caller, data),
  'channel.save': (ctx, { caller, conversation, data }) => saveChannelSettings(ctx, caller, conversation, data),
  'channel.remove': (ctx, { caller, data }) => removeChannelMapping(ctx, caller, data),
  'operation.new': (ctx, req) => ops.scheduleCommand(ctx, req),
  'operation.list': (ctx, req) => ops.operationsCommand(ctx, req),
  'operation.schedule': (ctx, req) => ops.scheduleSubmit(ctx, req),
  'operation.view': (ctx, req) => ops.viewAction(ctx, req),
  'operation.change': (ctx, req) => ops.changeAction(ctx, req),
  'operation.reschedule': (ctx, req) => ops.rescheduleAction(ctx, req),
  'operation.cancel': (ctx, req) => ops.cancelAction(ctx, req),
  'operation.outcomesForm': (ctx, req) => ops.outcomesFormAction(ctx, req),
  'operation.outcomes': (ctx, req) => ops.outcomesAction(ctx, req),
  'digest.settings': (ctx, { caller }) => openDigestSettings(ctx, caller),
  'digest.save': (ctx, { caller, data }) => saveDigestSettings(ctx, caller, data),
  'digest.stop': (ctx, { caller }) => stopDigests(ctx, caller),
  'digest.allow': (ctx, { caller, data }) => allowDigestMember(ctx, caller, data),
  'digest.now': (ctx, { caller, data }) => digestNow(ctx, caller, '', data),
  'hotspot.incidents': (ctx, req) => showHotspotIncidents(ctx, incidentRequest(ctx, req), req.data),
  'hotspot.propose': (ctx, req) => proposeOperation(ctx, incidentRequest(ctx, req), req.data),
};

export function parseCommand(text: string): { title: string; args: string } | undefined {
  const normalised = text.replace(/\s+/g, ' ').trim();
  const lower = normalised.toLowerCase();
  const byLength = [...COMMANDS].sort((a, b) => b.title.length - a.title.length);
  const hit = byLength.find((c) => lower === c.title || lower.startsWith(`${c.title} `));
  return hit && { title: hit.title, args: normalised.slice(hit.title.length).trim() };
}

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

  app.activity('message', async (context) => {
    const text = context.activity.text ?? '';
    const caller = await callerOf(context);
    const scope = scopeOf(context.activity);
    const command = parseCommand(text);
    const handler = command && COMMAND_HANDLERS[command.title];
    const card = handler
      ? await handler(ctx, { caller, scope, args: command.args, conversation: conversationReferenceOf(context.activity, ctx.clock().toISOString()) })
      : buildUnknownCard(text, scope, caller.member?.roles ?? []);
    await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  for (const [verb, handler] of Object.entries(ACTION_HANDLERS)) {
    app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
      const caller = await callerOf(context);
      const conversation = conversationReferenceOf(context.activity, ctx.clock().toISOString());
      return (await handler(ctx, { caller, scope: scopeOf(context.activity), args: '', data, conversation })) as never;
    });
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
  if (scopeOf(activity) !== 'personal' || !verb || !Object.hasOwn(ACTION_HANDLERS, verb) || JSON.stringify(data).length > 16_000) return card;
  const retry = { type: 'Action.Execute', title: 'Try again', verb, data: { ...data, verb } };
  return { ...card, actions: [retry, ...((card.actions as unknown[] | undefined) ?? [])] };
}
