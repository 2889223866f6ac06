import { messageCard } from '../../cards/message';
import { formatInstant } from '../common/dates';
import { NOTICES_PER_CARD, privateNoticesCard } from '../../cards/privateNotices';
import type { AdaptiveCard } from '../../cards/render';
import type { NoticesResult } from './open';
import { reachExplanation } from './rules/reach';
import { NOTICE_VERBS } from './verbs';

/** Result → card. Dates in the configured zone. */

function onlyYou(reach: 'chat' | 'otherTenant' | 'noChatYet'): string {
  return reach === 'chat'
    ? 'Only you can see this. These were kept for you while Concordat had no private chat with you; new ones now go to that chat.'
    : `Only you can see this. ${reachExplanation(reach)}`;
}

export function noticesView(result: NoticesResult, timeZone: string): AdaptiveCard {
  if (result.kind === 'gone') {
    return messageCard({
      title: 'That notice is no longer available',
      text: 'It has been deleted under the retention schedule, or you are no longer one of the people it was for.',
      tone: 'warning',
      buttons: [{ title: 'My private notices', verb: NOTICE_VERBS.list }],
    });
  }
  if (result.kind === 'opened') return openedView(result.notice, result.reach);
  const shown = result.notices.slice(0, NOTICES_PER_CARD);
  const older = result.notices.length - shown.length;
  const withdrawn = [
    ...(result.withdrawn > 0 ? [`${result.withdrawn} notice${result.withdrawn === 1 ? ' was' : 's were'} withdrawn: you are no longer one of the people ${result.withdrawn === 1 ? 'it was' : 'they were'} for.`] : []),
    ...(older > 0 ? [`${older} older notice${older === 1 ? ' is' : 's are'} not listed.`] : []),
  ].join(' ');
  return privateNoticesCard({
    onlyYou: onlyYou(result.reach),
    notices: shown.map((n) => ({
      title: n.title,
      when: `${n.openedAt ? 'Opened' : 'New'} · kept ${formatInstant(n.keptAt, timeZone, 'weekdayDateTime')}`,
      unread: !n.openedAt,
      verb: NOTICE_VERBS.open,
      data: { noticeId: n.id },
    })),
    withdrawn,
  });
}

/** The kept card itself, with a line saying it is shown to them alone, and the way back to the list. */
function openedView(notice: Extract<NoticesResult, { kind: 'opened' }>['notice'], reach: 'chat' | 'otherTenant' | 'noChatYet'): AdaptiveCard {
  const card = notice.card as AdaptiveCard & { body?: unknown[]; actions?: unknown[] };
  const banner = { type: 'Container', style: 'emphasis', items: [{ type: 'TextBlock', text: onlyYou(reach), wrap: true, size: 'Small' }] };
  const back = { type: 'Action.Execute', title: 'My private notices', verb: NOTICE_VERBS.list, data: { verb: NOTICE_VERBS.list } };
  return { ...card, body: [banner, ...(card.body ?? [])], actions: [...(card.actions ?? []).slice(0, 5), back] };
}

/**
 * The answer to "notices" typed in a channel or group chat: posted for everyone there, so it holds nothing
 * private, only the button that shows each presser their own notices.
 */
export function noticesEntryCard(): AdaptiveCard {
  return messageCard({
    title: 'Private notices',
    text: 'Press **My private notices** to see the repeat-complaint warnings and reminders kept for you. Concordat shows them to you alone and posts nothing here.',
    buttons: [{ title: 'My private notices', verb: NOTICE_VERBS.list }],
  });
}
