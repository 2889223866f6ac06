import { z } from 'zod';
import type { OrganisationKind } from './organisation';
import { lazySchema } from './lazySchema';

/**
 * Who may do what, and where: the vocabulary of the one authorisation gate.
 * Every command and card action declares an Access (bot/<capability>/routes.ts);
 * bot/teams/ enforces it before the handler runs, and the help card and the
 * manifest's command lists are derived from the same declarations.
 */

/** Where a command or action is used: a 1:1 chat with the bot, a team channel, or a group chat. */
export const Scope = lazySchema(() => z.enum(['personal', 'team', 'groupChat']));
export type Scope = z.infer<typeof Scope>;

/**
 * A member's roles. `orgLead` is an organisation's approver and single point
 * of contact for the partnership directory (issue 12). `dpo`: a data
 * protection officer, who reviews the audit log (named in the partnership
 * file; no organisation approver can grant it).
 */
export const Role = lazySchema(() => z.enum(['staff', 'coordinator', 'themeLead', 'admin', 'orgLead', 'dpo']));
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = {
  staff: 'Partner staff',
  coordinator: 'Coordinator',
  themeLead: 'Theme lead',
  admin: 'Administrator',
  orgLead: 'Organisation lead',
  dpo: 'Data protection officer',
};

/** Permissions an administrator grants one member outside the role model (stored per member). */
export type Allowance = 'digests';

/**
 * One way to qualify. Every field given must hold: a member with one of
 * `roles`, in an organisation of one of `organisationKinds`, or holding the
 * allowance. An empty grant ({}) is any registered member.
 */
export interface Grant {
  roles?: readonly Role[];
  organisationKinds?: readonly OrganisationKind[];
  allowance?: Allowance;
}

/** 'anyone' includes people not registered with the concordat; otherwise any one of the grants. */
export type Who = 'anyone' | readonly Grant[];

/** Any registered member (with an organisation). */
export const REGISTERED: Who = [{}];

export interface Access {
  who: Who;
  scopes: readonly Scope[];
  /** The refusal card's title for a caller who is not one of `who` (default: "Only <who> can use this"). */
  refusedTitle?: string;
}

/** What the gate knows about a caller: their member record and organisation, if registered. */
export interface Actor {
  member?: { roles: readonly Role[] };
  organisation?: { kind: OrganisationKind };
  /** Allowances held, when the gate has looked them up (only for declarations that name one). */
  allowances?: ReadonlySet<Allowance>;
}

function grants(g: Grant, a: Actor): boolean {
  if (!a.member) return false;
  if (g.roles && !g.roles.some((r) => a.member!.roles.includes(r))) return false;
  if (g.organisationKinds && (!a.organisation || !g.organisationKinds.includes(a.organisation.kind))) return false;
  if (g.allowance && !a.allowances?.has(g.allowance)) return false;
  return true;
}

/** Does `who` admit this actor? Pure. */
export function permits(who: Who, a: Actor): boolean {
  return who === 'anyone' || who.some((g) => grants(g, a));
}

/** The allowances a declaration mentions: the gate looks these up only when needed. */
export function allowancesNamed(who: Who): Allowance[] {
  return who === 'anyone' ? [] : [...new Set(who.flatMap((g) => (g.allowance ? [g.allowance] : [])))];
}

export type Decision = { ok: true } | { ok: false; reason: 'scope' | 'unregistered' | 'role' };

/** The gate's decision: where first (a right person in the wrong place is told where to go), then who. */
export function decide(access: Access, a: Actor, scope: Scope): Decision {
  if (!access.scopes.includes(scope)) return { ok: false, reason: 'scope' };
  if (permits(access.who, a)) return { ok: true };
  return { ok: false, reason: a.member ? 'role' : 'unregistered' };
}

const KIND_LABELS: Record<OrganisationKind, string> = { police: 'a police force', council: 'a council', landlord: 'a landlord', other: 'a partner organisation' };
const ALLOWANCE_LABELS: Record<Allowance, string> = { digests: 'allowed digests by an administrator' };

const orList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/** Who, in words: "an administrator, or a coordinator or theme lead at a police force". */
export function describeWho(who: Who): string {
  if (who === 'anyone') return 'anyone';
  const parts = who.map((g) => {
    if (!g.roles && !g.organisationKinds) return g.allowance ? `staff ${ALLOWANCE_LABELS[g.allowance]}` : 'registered partner staff';
    const roles = g.roles ? orList(g.roles.map((r) => ROLE_LABELS[r].toLowerCase())) : 'staff';
    const article = g.roles ? (/^[aeiou]/i.test(roles) ? 'an ' : 'a ') : '';
    const at = g.organisationKinds ? ` at ${orList(g.organisationKinds.map((k) => KIND_LABELS[k]))}` : '';
    return `${article}${roles}${at}`;
  });
  return [...new Set(parts)].join(', or ');
}

const SCOPE_PLACES: Record<Scope, string> = { personal: 'your personal chat with Concordat', team: 'a team channel', groupChat: 'a group chat' };

/** Where, in words: "your personal chat with Concordat or a team channel". */
export function describeScopes(scopes: readonly Scope[]): string {
  return orList(scopes.map((s) => SCOPE_PLACES[s]));
}
