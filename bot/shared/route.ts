import { z } from 'zod';
import type { AppContext } from '../context';
import type { Caller } from '../conversation/user';
import type { ConversationReference } from '../domain/conversation';
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

export type Route = CommandRoute | ActionRoute;

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
