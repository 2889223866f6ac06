import type { AlertRecord } from '../model';

/**
 * Whose view of an alert a person gets, from their organisation (pure). The
 * organisation comes from the directory on every request, never from the card.
 */
export type AlertView =
  | { kind: 'asked'; organisationId: string }
  | { kind: 'acknowledged'; organisationId: string; at: string }
  | { kind: 'raised'; organisationId: string }
  | { kind: 'other' };

export function alertViewFor(record: AlertRecord, organisationId: string | undefined): AlertView {
  if (!organisationId) return { kind: 'other' };
  const ack = record.acknowledgements.find((a) => a.organisationId === organisationId);
  if (ack) return { kind: 'acknowledged', organisationId, at: ack.at };
  if (record.expectedOrganisations.includes(organisationId)) return { kind: 'asked', organisationId };
  if (record.alert.raisedBy.organisationId === organisationId) return { kind: 'raised', organisationId };
  return { kind: 'other' };
}

/**
 * How much a member of an organisation needs their own view, for the card's
 * `refresh.userIds` (lower first; undefined: not named): members of
 * organisations still asked see the button meant for them, those whose
 * organisation has acknowledged stop seeing it. Everyone else is served by
 * the card as posted.
 */
export function refreshRank(record: AlertRecord, organisationId: string): number | undefined {
  const view = alertViewFor(record, organisationId);
  return view.kind === 'asked' ? 0 : view.kind === 'acknowledged' ? 1 : undefined;
}
