import { ROLE_LABELS } from '../common/access';
import type { CommandRequest } from '../common/route';
import { helpCard } from '../../cards/help';
import type { AdaptiveCard } from '../../cards/render';
import { OPERATION_VERBS } from '../operations/verbs';
import { INCIDENT_VERBS } from '../incidents/verbs';
import { DIRECTORY_VERBS } from '../directory/verbs';
import { DIGEST_VERBS } from '../digests/verbs';
import { ALERT_VERBS } from '../alerts/verbs';

/**
 * Buttons on the help card for the things a role does most; each shows only if its action's route admits the caller here.
 * At most 6 (Teams shows no more): the most any one caller is offered today is 6 (an administrator who is also a coordinator).
 */
export const HELP_BUTTONS: { title: string; verb: string }[] = [
  { title: 'Report incident', verb: INCIDENT_VERBS.report },
  { title: 'Raise alert', verb: ALERT_VERBS.open },
  { title: 'Schedule operation', verb: OPERATION_VERBS.new },
  { title: 'Upcoming operations', verb: OPERATION_VERBS.list },
  { title: 'Digest settings', verb: DIGEST_VERBS.settings },
  { title: 'People and requests', verb: DIRECTORY_VERBS.people },
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
