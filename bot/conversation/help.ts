import { commandsFor, type Role, type Scope } from '../commands';
import { helpCard } from '../../cards/help';
import type { AdaptiveCard } from '../../cards/render';
import type { Caller } from './user';

const ROLE_LABELS: Record<Role, string> = {
  staff: 'Partner staff',
  coordinator: 'Coordinator',
  themeLead: 'Theme lead',
  admin: 'Administrator',
};

/** Buttons on the help card for the things a role does most; filled in as capabilities land. */
export const HELP_BUTTONS: { title: string; verb: string; roles: Role[]; scopes: Scope[] }[] = [
  { title: 'Report incident', verb: 'incident.report', roles: ['staff'], scopes: ['personal'] },
  { title: 'Schedule operation', verb: 'operation.new', roles: ['coordinator'], scopes: ['personal'] },
  { title: 'Upcoming operations', verb: 'operation.list', roles: ['staff', 'coordinator', 'themeLead', 'admin'], scopes: ['personal'] },
  { title: 'Digest settings', verb: 'digest.settings', roles: ['themeLead', 'admin'], scopes: ['personal'] },
];

export function buildHelpCard(caller: Caller, scope: Scope): AdaptiveCard {
  const roles = caller.member?.roles ?? [];
  return helpCard({
    displayName: caller.displayName,
    organisationName: caller.organisation?.name,
    roleLabels: roles.map((r) => ROLE_LABELS[r]),
    registered: caller.member !== undefined,
    scope,
    commands: commandsFor(scope, roles),
    buttons: HELP_BUTTONS.filter((b) => b.scopes.includes(scope) && b.roles.some((r) => roles.includes(r))).map(
      ({ title, verb }) => ({ title, verb }),
    ),
  });
}
