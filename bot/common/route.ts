import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import type { ConversationReference } from '../conversation/model';
import type { AdaptiveCard } from '../../cards/render';
import type { Access, Scope } from './access';

/**
 * A route: one command or one card action (Action.Execute verb), declared
 * once in its capability's routes.ts with who may use it, where, and (for
 * card actions) the schema its data must pass. bot/teams/ registers every
 * route behind the one gate: the declaration is enforced and the data parsed
 * before the handler runs, so a handler sees only permitted callers and
 * parsed data. No Teams types here.
 */

/** What the gate offers this caller here: derived from the same declarations (help card, "I didn't understand"). */
export interface Offer {
  commands: readonly { title: string; description: string }[];
  /** Card action verbs this caller may use here. */
  verbs: ReadonlySet<string>;
}

/** What a command handler is given: the caller and where they asked. */
export interface CommandRequest {
  caller: Caller;
  scope: Scope;
  /** Text after the command word. */
  args: string;
  /** Where the request was made, as a place the bot can post back to. */
  conversation: ConversationReference;
  /** What this caller may use here (computed on demand: it may read the caller's allowances). */
  offer: () => Promise<Offer>;
  /** The caller's e-mail, where Teams gave it (looked up only to ask for access: it proposes their organisation). */
  email?: string;
  /**
   * Who sees the answer. 'asker': only the person who asked: a card button's (Action.Execute) invoke response,
   * which Teams shows to the client that pressed it and never posts to the conversation, or any answer in a
   * personal chat. 'conversation': everyone there (a typed command's reply in a channel or group chat).
   */
  answerSeenBy: 'asker' | 'conversation';
}

/** A card action's request: its data already parsed by the route's schema. */
export interface ActionRequest<D> extends CommandRequest {
  data: D;
}

export interface CommandRoute {
  kind: 'command';
  /** What the user types (after any @mention), lower case. */
  title: string;
  /** One line shown in the Teams command menu and on the help card. */
  description: string;
  access: Access;
  /**
   * false: answered and listed on the help card, but left out of Teams'
   * command menu, which shows at most 10 commands per scope. For commands
   * that need an id typed after them and are mostly reached from buttons.
   */
  menu?: boolean;
  handler: (ctx: AppContext, request: CommandRequest) => Promise<AdaptiveCard>;
}

export interface ActionRoute<S extends z.ZodTypeAny = z.ZodTypeAny> {
  kind: 'action';
  verb: string;
  access: Access;
  /** The Action.Execute data (card data merged with its inputs). Parsed before the handler; a failure never reaches it. */
  schema: S;
  handler: (ctx: AppContext, request: ActionRequest<z.output<S>>) => Promise<AdaptiveCard>;
}

/**
 * Message extensions (Teams' compose box, a message's "…" menu and the command box), as plain data: what a
 * handler answers, which bot/teams/ turns into Teams' invoke responses. No Teams types.
 */
export type ExtensionContext = 'compose' | 'message' | 'commandBox';

/** A dialog (task module) showing one card; `submit` actions in it come back to the same extension. */
export interface ExtensionDialog {
  kind: 'dialog';
  title: string;
  card: AdaptiveCard;
}
/** A short message shown in the dialog's place (a result, or why there is nothing to show): a title and plain text. */
export interface ExtensionMessage {
  kind: 'message';
  title: string;
  text: string;
  tone?: 'default' | 'good' | 'warning' | 'attention';
}
/** One search result: the card inserted into the compose box, and its line in the results list. */
export interface ExtensionResult {
  card: AdaptiveCard;
  preview: { title: string; text: string };
}
export type ExtensionAnswer = ExtensionDialog | ExtensionMessage;

/** Who asked, where, and (from a message's "…" menu) the text of that message, made plain by bot/teams/. */
export interface ExtensionRequest extends Omit<CommandRequest, 'args' | 'offer'> {
  context: ExtensionContext;
  /** The message the action was started on, as plain text: Teams' formatting removed, what its reader saw kept. */
  messageText?: string;
}

/** An action command: fetch opens the dialog, submit receives what it sends (the card's inputs and data). */
export interface ExtensionActionRoute {
  kind: 'extension';
  type: 'action';
  /** The manifest command id, and what Teams sends back in every invoke. */
  commandId: string;
  title: string;
  description: string;
  contexts: readonly ExtensionContext[];
  access: Access;
  fetch: (ctx: AppContext, request: ExtensionRequest) => Promise<ExtensionAnswer>;
  /** The dialog's submitted data, bounded by FormData before it arrives. */
  submit: (ctx: AppContext, request: ExtensionRequest & { data: FormData }) => Promise<ExtensionAnswer>;
}

/** A search command: one text parameter, answered with results to insert (none is a valid answer). */
export interface ExtensionQueryRoute {
  kind: 'extension';
  type: 'query';
  commandId: string;
  title: string;
  description: string;
  parameter: { name: string; title: string; description: string };
  access: Access;
  query: (ctx: AppContext, request: ExtensionRequest & { text: string }) => Promise<ExtensionResult[]>;
}

export type ExtensionRoute = ExtensionActionRoute | ExtensionQueryRoute;

export type Route = CommandRoute | ActionRoute | ExtensionRoute;

/** A route's name in audit notes and tests: "command:report", "action:incident.submit", "extension:reportIncident". */
export function routeName(route: Route): string {
  return `${route.kind}:${route.kind === 'command' ? route.title : route.kind === 'action' ? route.verb : route.commandId}`;
}

const TITLE = /^[a-z][a-z ]{0,31}$/;
const VERB = /^[a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)*$/;

export function defineCommand(route: Omit<CommandRoute, 'kind'>): CommandRoute {
  if (!TITLE.test(route.title)) throw new Error(`command title "${route.title}" must be 1-32 lower-case letters and spaces`);
  if (route.description.length < 1 || route.description.length > 128) throw new Error(`command "${route.title}": description must be 1-128 characters`);
  if (route.access.scopes.length === 0) throw new Error(`command "${route.title}" is usable nowhere`);
  return { kind: 'command', ...route };
}

export function defineAction<S extends z.ZodTypeAny>(route: Omit<ActionRoute<S>, 'kind'>): ActionRoute<S> {
  if (!VERB.test(route.verb) || route.verb.length > 60) throw new Error(`verb "${route.verb}" must be dotted words, at most 60 characters`);
  if (route.access.scopes.length === 0) throw new Error(`action "${route.verb}" is usable nowhere`);
  return { kind: 'action', ...route };
}

const COMMAND_ID = /^[a-z][A-Za-z]{0,63}$/;

/** A message-extension command: checked as the manifest schema would (ids, title and description lengths). */
export function defineExtension<R extends Omit<ExtensionActionRoute, 'kind'> | Omit<ExtensionQueryRoute, 'kind'>>(route: R): R & { kind: 'extension' } {
  if (!COMMAND_ID.test(route.commandId)) throw new Error(`extension command id "${route.commandId}" must be letters, at most 64`);
  if (route.title.length < 1 || route.title.length > 32) throw new Error(`extension "${route.commandId}": title must be 1-32 characters`);
  if (route.description.length < 1 || route.description.length > 128) throw new Error(`extension "${route.commandId}": description must be 1-128 characters`);
  if (route.access.scopes.length === 0) throw new Error(`extension "${route.commandId}" is usable nowhere`);
  if (route.type === 'action' && route.contexts.length === 0) throw new Error(`extension "${route.commandId}" has no context`);
  return { kind: 'extension', ...route };
}

/**
 * Card data for actions whose handler validates a form field by field (so that
 * every error, even a wrong type, is shown beside its field with the values
 * kept): an object, bounded in fields and size. Teams sends every input as a
 * string; card data adds ids, numbers and booleans.
 */
export const FormData = z
  .record(z.string().max(64), z.unknown())
  .refine((d) => Object.keys(d).length <= 80, 'too many fields')
  .refine((d) => JSON.stringify(d).length <= 64_000, 'too large');
export type FormData = z.infer<typeof FormData>;

/** Card data with nothing the handler reads (the verb is repeated in every button's data). */
export const NoData = z.object({}).passthrough().refine((d) => JSON.stringify(d).length <= 2_000, 'unexpected data');
