import * as ACData from 'adaptivecards-templating';
import { z } from 'zod';

/** A rendered Adaptive Card, ready to attach to a message or return from Action.Execute. */
export const AdaptiveCard = z.object({ type: z.literal('AdaptiveCard'), version: z.string() }).passthrough();
export type AdaptiveCard = z.infer<typeof AdaptiveCard>;

/**
 * Binds a JSON template (Adaptive Cards Templating language) to data that
 * its builder has already validated. Templates are data; builders are the
 * only place that knows what a card needs.
 */
export function expandTemplate(template: object, data: object): AdaptiveCard {
  const expanded = prepared(template).expand({ $root: data }) as unknown;
  const card = AdaptiveCard.parse(expanded);
  const problems = [...actionDataProblems(card), ...colourProblems(card)];
  // A programming error, not bad input: fail loudly in every test that renders the card.
  if (problems.length) throw new Error(`Card is unsafe for Teams clients: ${problems.join('; ')}`);
  return card;
}

/**
 * Each template is parsed once per process: parsing its expressions is most of what rendering a card costs (measured:
 * a search card and a message card, 2.6 ms a pair when parsed every time). A Template may be expanded again with other
 * data (adaptivecards-templating's own advice; `expand` is synchronous and resets its state), and templates are JSON
 * modules, never changed, so keying by the object is safe; a WeakMap lets a template built on the fly be collected.
 */
const preparedTemplates = new WeakMap<object, ACData.Template>();
function prepared(template: object): ACData.Template {
  let t = preparedTemplates.get(template);
  if (!t) preparedTemplates.set(template, (t = new ACData.Template(template)));
  return t;
}

/** Text colours that stay readable in Teams' light, dark and high-contrast themes (why: cards/format.ts TONE_COLOR). */
export const READABLE_TEXT_COLOURS: readonly string[] = ['Default', 'Accent', 'Attention'];

/** Every TextBlock or TextRun whose colour is not one of READABLE_TEXT_COLOURS. */
export function colourProblems(card: unknown): string[] {
  const problems: string[] = [];
  const walk = (n: unknown, path: string): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${path}/${i}`));
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if ((o.type === 'TextBlock' || o.type === 'TextRun') && o.color !== undefined && !READABLE_TEXT_COLOURS.includes(String(o.color))) {
      problems.push(`${path}/color "${String(o.color)}" fails contrast in some Teams theme`);
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${path}/${k}`);
  };
  walk(card, '');
  return problems;
}

/**
 * Names an action's data must not use. Teams clients hand `data` to their UI
 * framework and merge the card's input values into it: the web client and the
 * Agents Playground threw "Cannot assign to read only property 'key'" for a
 * field named `key` (a React reserved prop), so the button did nothing.
 * `ref` is React's other reserved prop; `msteams` is Teams' own field in
 * submit data; the prototype names are never safe as object keys.
 */
export const RESERVED_ACTION_DATA_NAMES: readonly string[] = ['key', 'ref', 'msteams', '__proto__', 'constructor', 'prototype'];

const ACTION_TYPES = new Set(['Action.Execute', 'Action.Submit']);

/**
 * Every problem with a card's action data: a reserved name at any depth, or
 * a field named like one of the card's inputs (the client merges input values
 * into the data, so one would silently overwrite the other).
 */
export function actionDataProblems(card: unknown): string[] {
  const inputIds = new Set<string>();
  const actions: { path: string; data: unknown }[] = [];
  const walk = (n: unknown, path: string): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, `${path}/${i}`));
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') inputIds.add(o.id);
    if (typeof o.type === 'string' && ACTION_TYPES.has(o.type) && 'data' in o) actions.push({ path, data: o.data });
    for (const [k, v] of Object.entries(o)) if (k !== 'data') walk(v, `${path}/${k}`);
  };
  walk(card, '');
  const problems: string[] = [];
  const reserved = (d: unknown, path: string): void => {
    if (Array.isArray(d)) return d.forEach((x, i) => reserved(x, `${path}/${i}`));
    if (!d || typeof d !== 'object') return;
    for (const k of Object.getOwnPropertyNames(d)) {
      if (RESERVED_ACTION_DATA_NAMES.includes(k)) problems.push(`${path}/${k} is a reserved name`);
      reserved((d as Record<string, unknown>)[k], `${path}/${k}`);
    }
  };
  for (const a of actions) {
    reserved(a.data, `${a.path}/data`);
    if (a.data && typeof a.data === 'object' && !Array.isArray(a.data)) {
      for (const k of Object.keys(a.data)) if (inputIds.has(k)) problems.push(`${a.path}/data/${k} has the same name as an input`);
    }
  }
  return problems;
}

/** Teams advises messages under ~80 KB; our cards stay far below 28 KB for older clients. */
export const CARD_BYTE_BUDGET = 28 * 1024;

export function cardBytes(card: AdaptiveCard): number {
  // The limit is measured in UTF-16 by Teams: two bytes per code unit.
  return JSON.stringify(card).length * 2;
}
