import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { cardBytes, CARD_BYTE_BUDGET } from '../../cards/render';
import { startStorageProxy, type StorageProxy } from '../../scripts/bench/support/storageProxy';
import { activityFrom, cardOf, personalChat, startBotHarness, textOfCard, type BotHarness, type Conversation, type PRIYA } from './botHarness';
import { validateAdaptiveCard } from './schemas';
import { freshStore } from './storage';
import { execute } from './teamSetup';

/**
 * What the bot-level tests do again and again, in one place: start a bot whose storage requests are counted, press
 * a card button, say something in a personal chat, report an incident, read a card's inputs and field errors.
 */

type User = typeof PRIYA;

/**
 * A bot on a fresh store whose every table request goes through the counting proxy (the benches' own,
 * scripts/bench/support/storageProxy.ts): a turn's storage requests are the change in `proxy.snapshot().total`.
 * Closing the bot closes the proxy too.
 */
export async function startBotBehindProxy(opts: { start?: Date } = {}): Promise<{ bot: BotHarness; proxy: StorageProxy }> {
  const fresh = await freshStore();
  const proxy = await startStorageProxy(fresh.connectionString);
  const bot = await startBotHarness({ storage: { connectionString: proxy.connectionString, prefix: fresh.prefix }, start: opts.start });
  const closeBot = bot.close;
  bot.close = async () => {
    await closeBot();
    await proxy.close();
  };
  return { bot, proxy };
}

/**
 * Presses a card button (Action.Execute) as `user` and returns the card the bot answers with: every card action is
 * answered with a card, shown in place of the one pressed.
 */
export async function pressButton(bot: BotHarness, user: User, verb: string, data: Record<string, unknown> = {}, conversation: Conversation = personalChat(user)): Promise<any> {
  const res = await execute(bot, user, conversation, verb, data);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  return res.body.value;
}

/** Types `text` into the message extension's "find by reference" in `conversation`; returns the extension's answer. */
export async function findByReference(bot: BotHarness, user: User & { tenantId?: string }, text: string, conversation: Conversation): Promise<any> {
  const res = await bot.post(
    activityFrom(bot.connector.serviceUrl, user, conversation, {
      type: 'invoke',
      name: 'composeExtension/query',
      value: { commandId: 'findByReference', parameters: [{ name: 'reference', value: text }], queryOptions: { skip: 0, count: 25 } },
    }),
  );
  expect(res.status).toBe(200);
  return res.body as any;
}

/** Says `text` in `user`'s personal chat and returns the card the bot replies with there. */
export async function replyCard(bot: BotHarness, user: User, text: string): Promise<any> {
  const before = bot.connector.sent.length;
  await bot.say(user, text);
  const reply = bot.connector.sent.slice(before).find((a) => a.conversationId === personalChat(user).id)!;
  return cardOf(reply);
}

/** A card every Teams client can draw: valid Adaptive Cards 1.5 within the 28 KB budget. Returns the card. */
export function checkedCard(card: any): any {
  expect(validateAdaptiveCard(card, '1.5')).toEqual([]);
  expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
  return card;
}

/** A complete, valid report form as the card sends it back (a nuisance report in Brinnington, SK5), with `over` typed in. */
export function reportForm(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'asb-nuisance',
    hateCrimeStrand: '',
    borough: 'stockport',
    area: 'Brinnington estate',
    postcodeDistrict: 'SK5',
    fullAddress: '',
    occurredDate: '2026-11-24',
    occurredTime: '21:30',
    summary: 'Group of youths throwing stones at passing buses near the shops.',
    details: '',
    victims: '0',
    suspects: '4',
    witnesses: '2',
    vulnerablePerson: 'false',
    childrenPresent: 'false',
    policeReference: '',
    risk: 'standard',
    actions: 'reported-to-police',
    sharedWith: 'gmp,stockport-council',
    marking: 'OFFICIAL-SENSITIVE',
    ...over,
  };
}

/** A new card instance's submission id (a report submitted twice from one card instance is stored once). */
export const newSubmissionId = (): string => randomUUID().replace(/-/g, '');

/** The reference a "Recorded" card confirms; throws, showing the card, when it is not one. */
export function referenceOf(card: any): string {
  const m = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(card));
  if (!m) throw new Error(`not a confirmation card: ${textOfCard(card).slice(0, 300)}`);
  return m[1]!;
}

/** Submits the report form (reportForm with `over`) as `user` from a new card and returns the reference it is given. */
export async function reportIncident(bot: BotHarness, user: User, over: Record<string, unknown> = {}): Promise<string> {
  return referenceOf(await pressButton(bot, user, 'incident.submit', { submissionId: newSubmissionId(), ...reportForm(over) }));
}

/** The input with this id, wherever it sits in the card's body. */
export function inputOf(card: any, id: string): any {
  let found: any;
  const walk = (node: any) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.id === id && typeof node.type === 'string' && node.type.startsWith('Input.')) found = node;
      Object.values(node).forEach(walk);
    }
  };
  walk(card.body);
  return found;
}

/** The Attention TextBlock right after the input with this id, wherever the input sits: the message beside a field. */
export function errorUnder(card: any, field: string): string | undefined {
  let found: string | undefined;
  const walk = (node: any) => {
    if (Array.isArray(node)) {
      node.forEach((el, i) => {
        if (el && typeof el === 'object' && el.id === field) {
          const next = node[i + 1];
          if (next?.type === 'TextBlock' && next.color === 'Attention') found = next.text;
        }
        walk(el);
      });
    } else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(card.body);
  return found;
}

/**
 * A "More" (or "Ask") token as someone who edited it would send it: one character of the sealed token changed
 * (bot/search/rules/pageToken.ts). Its content cannot be read or re-encoded, so this is every edit there is.
 */
export function alteredToken(token: string): string {
  const at = Math.floor(token.length / 2);
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}
