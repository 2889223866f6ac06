/**
 * The one authorisation gate, as declarations: every command and card action
 * says who may use it and where, the help card offers exactly what the gate
 * admits, every verb a card carries has a route, and a card action's data is
 * parsed by its route's schema before its handler runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ACTION_ROUTES, COMMAND_ROUTES, ROUTES } from '../bot/commands';
import type { AppContext } from '../bot/kernel/context';
import type { Caller } from '../bot/conversation/user';
import { canPublishPriorities, canRaiseAlert, MAY } from '../bot/common/permissions';
import type { Member } from '../bot/common/member';
import type { Organisation } from '../bot/common/organisation';
import { DEMO_MEMBERS, DEMO_ORGANISATIONS } from './support/demoDirectory';
import { decide, describeWho, permits, Scope } from '../bot/common/access';
import { defineAction, FormData, routeName } from '../bot/common/route';
import { offerFor, runAction } from '../bot/teams/gate';
import { textOfCard } from './support/botHarness';
import { messageCard } from '../cards/message';

const ROOT = path.resolve(__dirname, '..');
const org = (id: string) => DEMO_ORGANISATIONS.find((o) => o.id === id)!;
const callerOf = (m: Member): Caller => ({ aadObjectId: m.aadObjectId, displayName: m.displayName, member: m, organisation: org(m.organisationId) });
const memberNamed = (name: string) => DEMO_MEMBERS.find((m) => m.displayName === name)!;

/** A context whose only storage is an empty table of digest allowances (the one thing the gate looks up). */
const bareCtx = {
  clock: () => new Date('2026-11-25T10:00:00Z'),
  log: { info() {}, warn() {}, error() {} },
  store: { digestAllowances: { get: async () => undefined } },
} as unknown as AppContext;

describe('the declarations', () => {
  it('every command and action says who and where, and no route is usable nowhere', () => {
    for (const r of ROUTES) {
      expect(r.access.scopes.length).toBeGreaterThan(0);
      for (const s of r.access.scopes) expect(Scope.options).toContain(s);
      expect(r.access.who === 'anyone' || r.access.who.length > 0).toBe(true);
    }
  });

  it('only help, priorities, asking for access and the alert card\'s refresh (where it was posted) are open to people who are not registered', () => {
    const open = ROUTES.filter((r) => r.access.who === 'anyone').map(routeName);
    expect(open.sort()).toEqual(['action:access.request', 'action:alert.view', 'action:help', 'command:help', 'command:priorities']);
    // The refresh answers everyone who looks at the channel's card, and only in a channel.
    expect(ACTION_ROUTES.get('alert.view')?.access.scopes).toEqual(['team']);
  });

  it('incidents and report are for personal chats only, as are every form that holds restricted details', () => {
    for (const name of ['incidents', 'report', 'schedule', 'publish priorities', 'digest settings', 'channels']) {
      expect(COMMAND_ROUTES.get(name)?.access.scopes).toEqual(['personal']);
    }
    for (const verb of ['incident.submit', 'incident.edit.submit', 'incident.update.submit', 'incidents.list', 'operation.schedule', 'operation.cancel', 'priorities.submit']) {
      expect(ACTION_ROUTES.get(verb)?.access.scopes).toEqual(['personal']);
    }
  });

  it('a command and the card action that does the same thing are declared alike', () => {
    const pairs: [string, string][] = [
      ['report', 'incident.report'], ['alert', 'alert'], ['alert', 'alert.submit'], ['alerts', 'alerts'], ['publish priorities', 'priorities.submit'],
      ['schedule', 'operation.new'], ['schedule', 'operation.schedule'], ['operations', 'operation.list'], ['operation', 'operation.view'],
      ['digest settings', 'digest.settings'], ['digest settings', 'digest.save'], ['digest now', 'digest.now'], ['incidents', 'incidents.list'],
      ['channel settings', 'channel.save'], ['incident', 'incident.view'], ['help', 'help'],
    ];
    for (const [title, verb] of pairs) expect([title, ACTION_ROUTES.get(verb)?.access]).toEqual([title, COMMAND_ROUTES.get(title)?.access]);
  });

  it('the use cases\' own checks are the same rule as the gate\'s (a probation theme lead may not publish priorities; police staff may raise alerts)', () => {
    const gareth = callerOf(memberNamed('Gareth Lowe')); // Probation, theme lead
    const helen = callerOf(memberNamed('Helen Okafor')); // GMP, theme lead
    const policeStaff = { ...callerOf(memberNamed('Tom Bradley')), member: { ...memberNamed('Tom Bradley'), roles: ['staff'] } as Member };
    const publish = COMMAND_ROUTES.get('publish priorities')!.access;
    const alert = COMMAND_ROUTES.get('alert')!.access;
    for (const caller of [gareth, helen, policeStaff, callerOf(memberNamed('Priya Shah')), callerOf(memberNamed('Dan Whitworth'))]) {
      expect(decide(publish, caller, 'personal').ok).toBe(canPublishPriorities(caller));
      expect(decide(alert, caller, 'personal').ok).toBe(canRaiseAlert(caller));
    }
    expect(canPublishPriorities(gareth)).toBe(false);
    expect(canPublishPriorities(helen)).toBe(true);
    expect(canRaiseAlert(policeStaff)).toBe(true);
  });

  it('says who is needed in words', () => {
    expect(describeWho(MAY.publishPriorities)).toBe('an administrator, or a coordinator or theme lead at a police force');
    expect(describeWho(MAY.raiseAlert)).toBe('an administrator, coordinator or theme lead, or staff at a police force');
    expect(describeWho(MAY.registered)).toBe('registered partner staff');
    expect(describeWho(MAY.receiveDigests)).toBe('a theme lead or administrator, or staff allowed digests by an administrator');
  });

  it('a member whose organisation kind is not named is refused, whatever their roles', () => {
    const who = [{ roles: ['coordinator'], organisationKinds: ['police'] }] as const;
    const landlordCoordinator = { member: { roles: ['coordinator'] as const }, organisation: { kind: 'landlord' as const } };
    expect(permits(who, landlordCoordinator)).toBe(false);
    expect(permits(who, { ...landlordCoordinator, organisation: { kind: 'police' } })).toBe(true);
    expect(permits(who, {})).toBe(false);
  });
});

describe('the help card and the gate agree', () => {
  it('for every demo member, every scope: the commands offered are exactly those the gate admits', async () => {
    const callers: Caller[] = [...DEMO_MEMBERS.map(callerOf), { aadObjectId: '00000000-0000-4000-8000-0000000000ff', displayName: 'Sam Stranger' }];
    for (const caller of callers) {
      for (const scope of Scope.options) {
        const offer = await offerFor(bareCtx, caller, scope);
        const admitted = [...COMMAND_ROUTES.values()].filter((r) => decide(r.access, { ...caller, allowances: new Set() }, scope).ok).map((r) => r.title);
        expect(offer.commands.map((c) => c.title)).toEqual(admitted);
      }
    }
    const gareth = await offerFor(bareCtx, callerOf(memberNamed('Gareth Lowe')), 'personal');
    expect(gareth.commands.map((c) => c.title)).not.toContain('publish priorities');
  });
});

describe('every verb a card carries has a route', () => {
  const verbsInTemplates = () =>
    readdirSync(path.join(ROOT, 'cards', 'templates')).flatMap((f) =>
      [...readFileSync(path.join(ROOT, 'cards', 'templates', f), 'utf8').matchAll(/"verb"\s*:\s*"([^"$]+)"/g)].map((m) => [f, m[1]!] as const),
    );
  /** `verb: '…'` spelt as a string in the TypeScript under a folder. */
  const verbLiteralsIn = (folder: string) => {
    const out: (readonly [string, string])[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/verb: ['"`]([^'"`]*)['"`]/g)) out.push([path.relative(ROOT, p), m[1]!]);
      }
    };
    walk(path.join(ROOT, folder));
    return out;
  };
  /** Every slice's verb constants (bot/<slice>/verbs.ts): the only place a verb is spelt in bot/. */
  const verbConstants = async () => {
    const out: (readonly [string, string])[] = [];
    for (const slice of readdirSync(path.join(ROOT, 'bot'))) {
      const file = path.join(ROOT, 'bot', slice, 'verbs.ts');
      if (!existsSync(file)) continue;
      const exported = (await import(file)) as Record<string, Record<string, string>>;
      for (const [name, verbs] of Object.entries(exported)) for (const verb of Object.values(verbs)) out.push([`bot/${slice}/verbs.ts ${name}`, verb]);
    }
    return out;
  };

  it('finds the verbs it checks (the scans work)', async () => {
    expect(verbsInTemplates().length).toBeGreaterThan(10);
    expect(verbLiteralsIn('cards').length).toBeGreaterThan(5);
    expect((await verbConstants()).length).toBeGreaterThanOrEqual(ACTION_ROUTES.size);
  });

  it('in the templates', () => {
    expect(verbsInTemplates().filter(([, verb]) => !ACTION_ROUTES.has(verb))).toEqual([]);
  });

  it('in the card builders', () => {
    expect(verbLiteralsIn('cards').filter(([, verb]) => !ACTION_ROUTES.has(verb))).toEqual([]);
  });

  it('in bot/, a verb is spelt only as a slice constant, so a typo does not compile', () => {
    expect(verbLiteralsIn('bot')).toEqual([]);
  });

  it('every verb constant is a route, and every route is a verb constant', async () => {
    const constants = await verbConstants();
    expect(constants.filter(([, verb]) => !ACTION_ROUTES.has(verb))).toEqual([]);
    const declared = new Set(constants.map(([, verb]) => verb));
    expect([...ACTION_ROUTES.keys()].filter((verb) => !declared.has(verb))).toEqual([]);
  });
});

describe("a card action's data is parsed by its route's schema before the handler runs", () => {
  const turn = { caller: callerOf(memberNamed('Priya Shah')), scope: 'personal' as const, conversation: { kind: 'personal', conversationId: 'a:1', serviceUrl: 'http://x', tenantId: 't', installedAt: '2026-01-01T00:00:00Z', userAadObjectId: memberNamed('Priya Shah').aadObjectId } as const };

  it('bad data never reaches the handler; good data reaches it parsed', async () => {
    const seen: unknown[] = [];
    const route = defineAction({
      verb: 'test.thing',
      schema: z.object({ count: z.coerce.number().int().min(1) }),
      access: { who: MAY.registered, scopes: ['personal'] },
      handler: async (_ctx, { data }) => {
        seen.push(data);
        return { type: 'AdaptiveCard', version: '1.5', body: [] };
      },
    });
    const refused = await runAction(bareCtx, route, turn, { count: 'lots' });
    expect(textOfCard(refused)).toContain('could not read that button');
    expect(await runAction(bareCtx, route, turn, { count: '3' })).toEqual({ type: 'AdaptiveCard', version: '1.5', body: [] });
    expect(seen).toEqual([{ count: 3 }]);
  });

  it('every declared action, with its own schema: data that is not an object never reaches its handler', async () => {
    for (const declared of ACTION_ROUTES.values()) {
      let ran = 0;
      // The declared route as registered, open to the caller here, so the schema is all that stands before the handler.
      const route = { ...declared, access: { who: 'anyone' as const, scopes: Scope.options }, handler: async () => (ran++, messageCard({ title: 'ran', text: 'the handler ran' })) };
      for (const bad of ['a string', [1, 2], 42, true]) {
        expect(textOfCard(await runAction(bareCtx, route, turn, bad)), `${declared.verb} with ${JSON.stringify(bad)}`).toContain('could not read that button');
      }
      expect([declared.verb, ran]).toEqual([declared.verb, 0]);
    }
  });

  it('a form is bounded in fields and size, whatever the field types', () => {
    expect(FormData.safeParse({ summary: 'x', witnesses: { n: 2 }, borough: ['stockport'] }).success).toBe(true);
    expect(FormData.safeParse(Object.fromEntries(Array.from({ length: 81 }, (_, i) => [`f${i}`, 'x']))).success).toBe(false);
    expect(FormData.safeParse({ summary: 'x'.repeat(70_000) }).success).toBe(false);
  });
});

describe('lookups keyed by outside text find only their own entries', () => {
  it('a theme or field named like an Object member ("constructor", "toString", "__proto__") is simply unknown', async () => {
    const { categoriesOfTheme } = await import('../bot/digests/rules/digestThemes');
    const { fieldLabel } = await import('../bot/incidents/present');
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(categoriesOfTheme(name)).toEqual([]);
      expect(fieldLabel(name)).toBe(name);
    }
    expect(categoriesOfTheme('prevent')).toEqual(['hate-crime']);
  });
});
