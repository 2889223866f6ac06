import type { z } from 'zod';
import { isAllowedDigests } from '../digests/repository';
import { ACTION_ROUTES, COMMAND_ROUTES, parseCommand } from '../commands';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { auditRouteRefusal } from '../conversation/refusalAudit';
import { buildUnknownCard } from '../conversation/unknown';
import type { ConversationReference } from '../conversation/model';
import {
  allowancesNamed,
  decide,
  describeScopes,
  describeWho,
  ROLE_LABELS,
  type Access,
  type Actor,
  type Allowance,
  type Decision,
  type Scope,
  type Who,
} from '../common/access';
import {
  FormData,
  routeName,
  type ActionRoute,
  type CommandRoute,
  type ExtensionActionRoute,
  type ExtensionAnswer,
  type ExtensionContext,
  type ExtensionQueryRoute,
  type ExtensionResult,
  type ExtensionRoute,
  type Offer,
} from '../common/route';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { CONVERSATION_VERBS } from '../conversation/verbs';

/**
 * The one authorisation gate. Every command and card action reaches its
 * handler only through here: the route's declaration (who, where) is
 * enforced and its data parsed first. Refusals answer with a card that says
 * what is needed, and are audited at most once per caller, route and hour,
 * so nobody can fill the audit log by pressing a button in a loop.
 */

/** Who asked and where: the gate's input, with no Teams types. */
export interface Turn {
  caller: Caller;
  scope: Scope;
  conversation: ConversationReference;
  /** The caller's e-mail, when it was looked up (someone asking for access). */
  email?: string;
}

/** The caller as the gate judges them, with the allowances the declarations ask about looked up (once per turn). */
async function actorOf(ctx: AppContext, caller: Caller, whos: readonly Who[]): Promise<Actor> {
  const named = new Set<Allowance>(whos.flatMap(allowancesNamed));
  if (named.size === 0 || !caller.member || !caller.aadObjectId) return caller;
  const allowances = new Set<Allowance>();
  if (named.has('digests') && (await isAllowedDigests(ctx, caller.aadObjectId))) allowances.add('digests');
  return { ...caller, allowances };
}

/** The commands and verbs this caller may use here: what the help card and "I didn't understand" offer. */
export async function offerFor(ctx: AppContext, caller: Caller, scope: Scope): Promise<Offer> {
  const actor = await actorOf(ctx, caller, [...COMMAND_ROUTES.values(), ...ACTION_ROUTES.values()].map((r) => r.access.who));
  const allowed = (a: Access) => decide(a, actor, scope).ok;
  return {
    commands: [...COMMAND_ROUTES.values()].filter((r) => allowed(r.access)).map(({ title, description }) => ({ title, description })),
    verbs: new Set([...ACTION_ROUTES.values()].filter((r) => allowed(r.access)).map((r) => r.verb)),
  };
}

/** A typed message: the command it names, through the gate; anything else gets "I didn't understand". */
export async function runCommand(ctx: AppContext, text: string, turn: Turn): Promise<AdaptiveCard> {
  const parsed = parseCommand(text);
  const route = parsed && COMMAND_ROUTES.get(parsed.title);
  if (!parsed || !route) return buildUnknownCard(text, await offerFor(ctx, turn.caller, turn.scope));
  const refused = await check(ctx, route, turn);
  if (refused) return refused;
  // A typed command is answered with a message in the conversation: everyone there reads it, unless it is a personal chat.
  const answerSeenBy = turn.scope === 'personal' ? 'asker' : 'conversation';
  return route.handler(ctx, { ...turn, args: parsed.args, answerSeenBy, offer: () => offerFor(ctx, turn.caller, turn.scope) });
}

/** A card action with a declared verb: through the gate, then its data through the route's schema, then the handler. */
export async function runAction<S extends z.ZodTypeAny>(ctx: AppContext, route: ActionRoute<S>, turn: Turn, data: unknown): Promise<AdaptiveCard> {
  const refused = await check(ctx, route, turn);
  if (refused) return refused;
  const parsed = route.schema.safeParse(data ?? {});
  if (!parsed.success) {
    // A damaged or hand-made button (the cards the bot builds always pass). Nothing of the data is echoed or kept.
    ctx.log.warn('card action data refused by its schema', { verb: route.verb, issues: parsed.error.issues.slice(0, 5).map((i) => i.path.join('.') || '(root)') });
    return messageCard({
      title: 'Concordat could not read that button',
      text: 'The card it came from may be out of date or damaged, so nothing was done. Type **help** to start again.',
      tone: 'warning',
      buttons: [{ title: 'Show help', verb: CONVERSATION_VERBS.help }],
    });
  }
  // A card action is answered in its invoke response: Teams shows that card to the presser's client alone.
  return route.handler(ctx, { ...turn, args: '', data: parsed.data, answerSeenBy: 'asker', offer: () => offerFor(ctx, turn.caller, turn.scope) });
}

/** undefined: allowed. Otherwise the refusal card (the refusal audited, bounded). */
async function check(ctx: AppContext, route: CommandRoute | ActionRoute<z.ZodTypeAny>, turn: Turn): Promise<AdaptiveCard | undefined> {
  const decision = await judge(ctx, route, turn);
  return decision.ok ? undefined : refusalCard(route, turn.caller, decision);
}

/** The gate's decision for any route; a refusal is audited (bounded). */
async function judge(ctx: AppContext, route: CommandRoute | ActionRoute<z.ZodTypeAny> | ExtensionRoute, turn: Turn): Promise<Decision> {
  const decision = decide(route.access, await actorOf(ctx, turn.caller, [route.access.who]), turn.scope);
  if (!decision.ok) await auditRefusal(ctx, route, turn, decision);
  return decision;
}

/** A message-extension invoke's turn: where it was started from, and the message's plain text from a message's "…" menu. */
export interface ExtensionTurn extends Turn {
  context: ExtensionContext;
  messageText?: string;
}

/** Opening an action command's dialog: through the gate; refused, a short message in the dialog's place and nothing else. */
export async function runExtensionFetch(ctx: AppContext, route: ExtensionActionRoute, turn: ExtensionTurn): Promise<ExtensionAnswer> {
  const decision = await judge(ctx, route, turn);
  if (!decision.ok) return { kind: 'message', title: `Not available: ${route.title}`, text: extensionRefusal(route, turn.caller, decision), tone: 'warning' };
  // A dialog is shown to the person who opened it alone.
  return route.fetch(ctx, { ...turn, answerSeenBy: 'asker' });
}

/** A dialog's submission: through the gate again (the dialog may be old), its data bounded by FormData, then the handler. */
export async function runExtensionSubmit(ctx: AppContext, route: ExtensionActionRoute, turn: ExtensionTurn, data: unknown): Promise<ExtensionAnswer> {
  const decision = await judge(ctx, route, turn);
  if (!decision.ok) return { kind: 'message', title: `Not available: ${route.title}`, text: extensionRefusal(route, turn.caller, decision), tone: 'warning' };
  const parsed = FormData.safeParse(data ?? {});
  if (!parsed.success) {
    ctx.log.warn('message extension data refused by its schema', { commandId: route.commandId });
    return { kind: 'message', title: 'Nothing was saved', text: 'Concordat could not read that form, so nothing was saved. Please start again.', tone: 'warning' };
  }
  return route.submit(ctx, { ...turn, data: parsed.data, answerSeenBy: 'asker' });
}

/**
 * A search: through the gate; refused, no results, so that a search tells someone who may not use it nothing
 * (not even that the command exists for others). The query text is bounded before the handler sees it.
 */
export async function runExtensionQuery(ctx: AppContext, route: ExtensionQueryRoute, turn: ExtensionTurn, text: unknown): Promise<ExtensionResult[]> {
  const decision = await judge(ctx, route, turn);
  if (!decision.ok || typeof text !== 'string' || text.length > 200) return [];
  // A result is for inserting into the conversation: whoever is there will read it.
  return route.query(ctx, { ...turn, text, answerSeenBy: 'conversation' });
}

/** Why a message-extension command is refused, as plain text (a dialog message renders no Markdown). */
function extensionRefusal(route: ExtensionRoute, caller: Caller, decision: Exclude<Decision, { ok: true }>): string {
  const what = `"${route.title}"`;
  if (decision.reason === 'scope') return `${what} works in ${describeScopes(route.access.scopes)}.`;
  if (decision.reason === 'unregistered' || !caller.member) {
    return `You are not registered with the concordat, so ${what} is not available to you. Say help in your personal chat with Concordat to ask for access: your organisation approves it.`;
  }
  return `You need to be ${describeWho(route.access.who)} to use ${what}. If you need this, ask your Concordat administrator.`;
}

export function refusalCard(route: CommandRoute | ActionRoute, caller: Caller, decision: Exclude<Decision, { ok: true }>): AdaptiveCard {
  const what = route.kind === 'command' ? `**${route.title}**` : 'That button';
  const { who, scopes } = route.access;
  if (decision.reason === 'scope') {
    const privateOnly = scopes.length === 1 && scopes[0] === 'personal';
    return messageCard({
      title: privateOnly ? 'Use this in your personal chat with Concordat' : `Not available here: use it in ${describeScopes(scopes)}`,
      text: privateOnly
        ? `${what} shows details meant for you alone, so Concordat does not answer it where others can read it. Open your chat with Concordat and try it there.`
        : `${what} works in ${describeScopes(scopes)}.`,
      tone: 'warning',
    });
  }
  const needed = describeWho(who);
  const youAre =
    decision.reason === 'unregistered' || !caller.member
      ? 'You are not registered with the concordat. Say help in your personal chat with Concordat to ask for access: your organisation approves it.'
      : `You are registered as ${caller.member.roles.map((r) => ROLE_LABELS[r]).join(', ')}${caller.organisation ? ` at ${caller.organisation.name}` : ''}. If you need this, ask your Concordat administrator.`;
  return messageCard({
    title: (route.access.refusedTitle ?? `Only ${needed} can use this`).slice(0, 120),
    text: `You need to be ${needed} to use ${what === 'That button' ? 'that button' : what}. ${youAre}`,
    tone: 'warning',
  });
}

async function auditRefusal(ctx: AppContext, route: CommandRoute | ActionRoute<z.ZodTypeAny> | ExtensionRoute, turn: Turn, decision: Exclude<Decision, { ok: true }>): Promise<void> {
  await auditRouteRefusal(
    ctx,
    { aadObjectId: turn.caller.aadObjectId, organisationId: turn.caller.organisation?.id },
    routeName(route),
    `refused by the gate: ${decision.reason} (in ${turn.scope})`,
  );
}
