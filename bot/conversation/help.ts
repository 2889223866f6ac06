import { ROLE_LABELS } from '../shared/access';
import type { CommandRequest } from '../shared/route';
import { helpCard } from '../../cards/help';
import type { AdaptiveCard } from '../../cards/render';

/** Buttons on the help card for the things a role does most; each shows only if its action's route admits the caller here. */
export const HELP_BUTTONS: { title: string; verb: string }[] = [
  { title: 'Report incident', verb: 'incident.report' },
  { title: 'Schedule operation', verb: 'operation.new' },
  { title: 'Upcoming operations', verb: 'operation.list' },
  { title: 'Digest settings', verb: 'digest.settings' },
  { title: 'People and requests', verb: 'people.list' },
];

/** The help card: the commands and buttons the gate offers this caller here (from the route declarations). */
export async function buildHelpCard({ caller, scope, offer: offered }: Pick<CommandRequest, 'caller' | 'scope' | 'offer'>): Promise<AdaptiveCard> {
  const offer = await offered();
  const roles = caller.member?.roles ?? [];
  return helpCard({
    displayName: caller.displayName,
    organisationName: caller.organisation?.name,
    roleLabels: roles.map((r) => ROLE_LABELS[r]),
    registered: caller.member !== undefined,
    scope,
    commands: offer.commands.map(({ title, description }) => ({ title, description })),
    buttons: HELP_BUTTONS.filter((b) => offer.verbs.has(b.verb)),
  });
}
