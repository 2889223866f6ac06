import { auditTrailCard } from '../../cards/auditTrail';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { formatInstant } from '../common/dates';
import { quoteForCard } from '../common/plainText';
import type { AuditAction } from './event';
import { AUDIT_SUBJECT_TYPES, type TrailResult } from './trail';

const ACTION_LABELS: Record<AuditAction, string> = {
  collection: 'Collected',
  alteration: 'Changed',
  consultation: 'Looked at',
  disclosure: 'Disclosed',
  combination: 'Combined',
  erasure: 'Erased',
  refusal: 'Refused',
};

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The audit trail result as a card: one line per event, the newest first; never any content, only what the log holds. */
export function trailCard(result: TrailResult, timeZone: string): AdaptiveCard {
  if (result.kind === 'refused') {
    return messageCard({ title: 'Only a data protection officer can read the audit log', text: 'Ask your Concordat administrator if you need to review it.', tone: 'attention' });
  }
  if (result.kind === 'usage') {
    return messageCard({
      title: result.typed ? `I can't find an audit subject in ${quoteForCard(result.typed, 60, 'what you typed')}` : 'Which audit trail?',
      text: `${result.notice ? `${result.notice}\n\n` : ''}Type **audit** and an incident reference or operation id (e.g. **audit STO-2026-000123**), or a kind and an id: ${AUDIT_SUBJECT_TYPES.join(', ')} (e.g. **audit member <Entra object id>**).`,
      tone: result.notice ? 'warning' : 'default',
    });
  }
  const { subject, lines } = result;
  return auditTrailCard({
    heading: `Audit trail: ${subject.type} ${clip(subject.id, 100)}`,
    subtitle: `${result.notice ? `${result.notice} ` : ''}Every collection, look, change, disclosure, combination, erasure and refusal logged for it, newest first. Your review is logged too.`,
    emptyText: result.continued ? 'No older events: retention has removed any before these.' : 'Nothing is logged for it (or retention has removed it all).',
    items: lines.map((l) => {
      const e = l.event;
      const detail = [
        e.justification ? `Why: ${clip(e.justification, 500)}` : '',
        e.recipients?.length ? `To: ${clip(e.recipients.join(', '), 300)}` : '',
        e.note ? `Note: ${clip(e.note, 300)}` : '',
      ].filter(Boolean);
      return {
        title: `#${l.seq} · ${ACTION_LABELS[e.action]} · ${formatInstant(e.at, timeZone)}`,
        who: l.actorOrganisation ? `${clip(l.actorName, 120)}, ${clip(l.actorOrganisation, 120)}` : clip(l.actorName, 200),
        detail: detail.join('\n\n'),
      };
    }),
    footer: `${result.continued ? 'Older: ' : ''}${lines.length} event${lines.length === 1 ? '' : 's'}${result.more ? ', and older ones to come' : ''}.`,
    more: result.more ?? '',
  });
}
