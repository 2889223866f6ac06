import type { Application } from '@microsoft/teams-ai/lib/Application';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { CardFactory, type MessagingExtensionResult, type TaskModuleTaskInfo, type TurnContext } from 'botbuilder';
import { EXTENSION_ROUTES } from '../commands';
import type { AppContext } from '../kernel/context';
import type { ExtensionAnswer, ExtensionContext, ExtensionResult } from '../common/route';
import { runExtensionFetch, runExtensionQuery, runExtensionSubmit, type ExtensionTurn, type Turn } from './gate';
import { plainTextOfMessage } from './messageText';
import { messageCard } from '../../cards/message';

/**
 * The message extension (manifest composeExtensions): every command declared
 * in a capability's routes.ts is registered here, behind the one gate, and
 * its plain answers are turned into Teams' invoke responses. Teams types stay
 * in this folder.
 */

const CONTEXTS: readonly ExtensionContext[] = ['compose', 'message', 'commandBox'];

interface ExtensionInvokeValue {
  commandContext?: unknown;
  messagePayload?: { body?: { contentType?: unknown; content?: unknown } };
}

/** Where the command was started, and (from a message's "…" menu) that message's text. */
function extensionTurn(context: TurnContext, turn: Turn): ExtensionTurn {
  const value = (context.activity.value ?? {}) as ExtensionInvokeValue;
  const where = CONTEXTS.find((c) => c === value.commandContext) ?? 'compose';
  return { ...turn, context: where, messageText: where === 'message' ? plainTextOfMessage(value.messagePayload?.body) : undefined };
}

/**
 * A dialog: the answer's card, or a message as a small card of its own. Teams' "message" task type is not among the
 * responses documented for a message extension's submitAction, and the Agents Playground shows it as an empty
 * dialog, so a message is always a card.
 */
function taskOf(answer: ExtensionAnswer): TaskModuleTaskInfo {
  if (answer.kind === 'message') {
    return { title: 'Concordat', height: 'small', width: 'medium', card: CardFactory.adaptiveCard(messageCard({ title: answer.title, text: answer.text, tone: answer.tone ?? 'default' })) };
  }
  return { title: answer.title, height: 'large', width: 'medium', card: CardFactory.adaptiveCard(answer.card) };
}

function resultsOf(results: readonly ExtensionResult[]): MessagingExtensionResult {
  return {
    type: 'result',
    attachmentLayout: 'list',
    attachments: results.map((r) => ({ ...CardFactory.adaptiveCard(r.card), preview: CardFactory.thumbnailCard(r.preview.title, r.preview.text) })),
  };
}

export function registerExtensions(app: Application<TurnState>, ctx: AppContext, turnOf: (context: TurnContext) => Promise<Turn>): void {
  for (const route of EXTENSION_ROUTES.values()) {
    if (route.type === 'action') {
      app.messageExtensions.fetchTask(route.commandId, async (context) => taskOf(await runExtensionFetch(ctx, route, extensionTurn(context, await turnOf(context)))));
      app.messageExtensions.submitAction(route.commandId, async (context, _state, data: Record<string, unknown>) =>
        taskOf(await runExtensionSubmit(ctx, route, extensionTurn(context, await turnOf(context)), data)),
      );
    } else {
      app.messageExtensions.query(route.commandId, async (context, _state, query) =>
        resultsOf(await runExtensionQuery(ctx, route, extensionTurn(context, await turnOf(context)), query.parameters[route.parameter.name])),
      );
    }
  }
}

/** The invoke response for a message-extension invoke whose handler failed: said in the dialog or the search list. */
export function extensionFailure(invokeName: string | undefined, text: string): { status: number; body: unknown } | undefined {
  if (invokeName === 'composeExtension/fetchTask' || invokeName === 'composeExtension/submitAction') {
    return { status: 200, body: { task: { type: 'continue', value: taskOf({ kind: 'message', title: 'Not done', text, tone: 'attention' }) } } };
  }
  if (invokeName === 'composeExtension/query') return { status: 200, body: { composeExtension: { type: 'message', text } } };
  return undefined;
}
