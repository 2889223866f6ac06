/**
 * Keeps an Outlook calendar event in step with the operation, when Graph is
 * configured. Best effort: a Graph failure is logged and never stops
 * scheduling, moving or cancelling (Teams reminders do not depend on it).
 */
import type { AppContext } from '../kernel/context';
import { boroughById } from '../common/borough';
import { OPERATION_TYPE_LABELS, reminderRecipients, type JointOperation } from './model';
import type { CalendarEvent } from '../graph/gateway';
import { mutateOperation, type Directory } from './repository';

/** The event carries the public facts only: no briefing, no addresses, no linked incidents. */
export function calendarEventFor(op: JointOperation, dir: Directory, timeZone: string, organiser: string): CalendarEvent {
  const org = (id: string) => dir.organisations.get(id)?.name ?? id;
  const borough = boroughById(op.borough).name;
  const partners = op.partnerOrganisationIds.map(org);
  return {
    transactionId: `concordat-${op.id}`,
    subject: `${OPERATION_TYPE_LABELS[op.type]}: ${op.name}`,
    body: [
      `Joint operation ${op.id} (${op.marking}).`,
      `${OPERATION_TYPE_LABELS[op.type]} in ${op.area}, ${borough}. Lead agency: ${org(op.leadOrganisationId)}.`,
      partners.length ? `With: ${partners.join(', ')}.` : '',
      `The briefing and reminders are in Concordat in Teams: type "operation ${op.id}" in your chat with Concordat.`,
    ]
      .filter(Boolean)
      .join('\n'),
    startsAt: op.startsAt,
    endsAt: op.endsAt,
    timeZone,
    location: `${op.area}, ${borough}`,
    // Everyone reminded is invited; the organiser owns the event and is not invited to it.
    attendees: reminderRecipients(op).filter((p) => p !== organiser),
  };
}

/** Creates the event once (the id is kept on the operation) and returns the operation as stored. */
export async function createCalendarEvent(ctx: AppContext, op: JointOperation, dir: Directory): Promise<JointOperation> {
  if (!ctx.graph || op.calendar) return op;
  try {
    const organiser = ctx.graph.organiserFor(op.coordinator);
    const { eventId } = await ctx.graph.createEvent(organiser, calendarEventFor(op, dir, ctx.config.timeZone, organiser));
    const saved = await mutateOperation(ctx, op.id, (current) => (!current.calendar ? { ...current, calendar: { organiser, eventId } } : undefined));
    return saved?.value ?? op;
  } catch (err) {
    ctx.log.warn('graph: calendar event not created', { operation: op.id, error: (err as Error).message });
    return op;
  }
}

export async function updateCalendarEvent(ctx: AppContext, op: JointOperation, dir: Directory): Promise<void> {
  if (!ctx.graph || !op.calendar) return;
  try {
    await ctx.graph.updateEvent(op.calendar.organiser, op.calendar.eventId, calendarEventFor(op, dir, ctx.config.timeZone, op.calendar.organiser));
  } catch (err) {
    ctx.log.warn('graph: calendar event not updated', { operation: op.id, error: (err as Error).message });
  }
}

export async function cancelCalendarEvent(ctx: AppContext, op: JointOperation): Promise<void> {
  if (!ctx.graph || !op.calendar) return;
  try {
    await ctx.graph.cancelEvent(op.calendar.organiser, op.calendar.eventId, `Cancelled in Concordat${op.cancelReason ? `: ${op.cancelReason}` : ''}.`);
  } catch (err) {
    ctx.log.warn('graph: calendar event not cancelled', { operation: op.id, error: (err as Error).message });
  }
}

/** Asks Teams to install Concordat for people it cannot reach privately, so their next reminder goes 1:1. */
export async function installForUnreachable(ctx: AppContext, people: readonly string[]): Promise<number> {
  if (!ctx.graph || people.length === 0) return 0;
  let asked = 0;
  for (const id of people) {
    try {
      const result = await ctx.graph.installForUser(id);
      if (result === 'off') return 0;
      asked++;
    } catch (err) {
      ctx.log.warn('graph: could not install Concordat for a participant', { user: id, error: (err as Error).message });
    }
  }
  return asked;
}
