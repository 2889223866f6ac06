import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../kernel/logger';
import { toWallClock } from '../common/timezone';
import type { GraphSettings } from './settings';

/** A calendar event for a joint operation. Carries nothing restricted: no briefing, no addresses. */
export interface CalendarEvent {
  /** Graph's idempotency key for creating events: a retried create does not make a second event. */
  transactionId: string;
  subject: string;
  /** Plain text. */
  body: string;
  /** UTC instants; sent to Graph as wall-clock times in `timeZone`. */
  startsAt: string;
  endsAt: string;
  timeZone: string;
  location: string;
  /** Entra object ids of the people invited. */
  attendees: string[];
}

export type InstallResult = 'installed' | 'already-installed' | 'off';

/** What Concordat asks of Microsoft Graph. Use cases depend on this, never on the Graph client. */
export interface GraphGateway {
  /** Whose calendar an operation's event goes in. */
  organiserFor(coordinator: string): string;
  createEvent(organiser: string, event: CalendarEvent): Promise<{ eventId: string }>;
  updateEvent(organiser: string, eventId: string, event: CalendarEvent): Promise<void>;
  cancelEvent(organiser: string, eventId: string, comment: string): Promise<void>;
  /** Installs the bot in a user's personal scope, so that Teams tells the bot and reminders can go 1:1. */
  installForUser(userId: string): Promise<InstallResult>;
  /** The tenant Graph reads: user principal names resolve only to its own users. */
  readonly tenantId: string;
  /**
   * Object ids of users by user principal name (bulk onboarding names people by sign-in name; User.Read.All).
   * Keys are the UPNs lower-cased; a UPN the tenant does not know is absent. Any other Graph failure throws.
   */
  userIdsByUpn(upns: readonly string[]): Promise<Map<string, string>>;
}

/** Lookups in flight at once: a people file has at most 100 rows; Graph throttles bursts per app. */
const LOOKUP_CONCURRENCY = 4;

interface GraphUser {
  id: string;
  displayName?: string;
  mail?: string | null;
  userPrincipalName?: string;
}

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

export function createGraphGateway(client: Client, settings: GraphSettings, log: Logger): GraphGateway {
  const user = (id: string) => `/users/${encodeURIComponent(id)}`;

  const dateTime = (iso: string, timeZone: string) => {
    const wall = toWallClock(iso, timeZone);
    return { dateTime: `${wall.date}T${wall.time}:00`, timeZone };
  };

  /** Attendees need e-mail addresses; Teams gives us object ids. Someone Graph cannot find is left out, not fatal. */
  const attendees = async (ids: string[]) => {
    const found = await Promise.all(
      ids.map(async (id) => {
        try {
          const u = (await client.api(user(id)).select(['id', 'displayName', 'mail', 'userPrincipalName']).get()) as GraphUser;
          const address = u.mail || u.userPrincipalName;
          return address ? [{ emailAddress: { address, name: u.displayName ?? address }, type: 'required' }] : [];
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
          log.warn('graph: participant not found in the directory; not invited', { user: id });
          return [];
        }
      }),
    );
    return found.flat();
  };

  const eventBody = async (e: CalendarEvent) => ({
    subject: e.subject,
    body: { contentType: 'text', content: e.body },
    start: dateTime(e.startsAt, e.timeZone),
    end: dateTime(e.endsAt, e.timeZone),
    location: { displayName: e.location },
    attendees: await attendees(e.attendees),
    sensitivity: 'private',
    allowNewTimeProposals: false,
    isReminderOn: true,
  });

  return {
    tenantId: settings.tenantId.toLowerCase(),
    organiserFor: (coordinator) => settings.organiser ?? coordinator,
    async userIdsByUpn(upns) {
      const found = new Map<string, string>();
      const queue = [...new Set(upns.map((u) => u.toLowerCase()))];
      const worker = async () => {
        for (let upn = queue.shift(); upn !== undefined; upn = queue.shift()) {
          try {
            const u = (await client.api(user(upn)).select(['id', 'userPrincipalName']).get()) as GraphUser;
            // /users/{upn} also answers to an object id: keep only a user whose sign-in name is the one asked for.
            if (u.id && u.userPrincipalName?.toLowerCase() === upn) found.set(upn, u.id.toLowerCase());
          } catch (err) {
            if (statusOf(err) !== 404) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, queue.length) }, worker));
      return found;
    },
    async createEvent(organiser, e) {
      const created = (await client.api(`${user(organiser)}/events`).post({ ...(await eventBody(e)), transactionId: e.transactionId })) as { id: string };
      return { eventId: created.id };
    },
    async updateEvent(organiser, eventId, e) {
      await client.api(`${user(organiser)}/events/${encodeURIComponent(eventId)}`).patch(await eventBody(e));
    },
    async cancelEvent(organiser, eventId, comment) {
      await client.api(`${user(organiser)}/events/${encodeURIComponent(eventId)}/cancel`).post({ Comment: comment });
    },
    async installForUser(userId) {
      if (!settings.teamsAppCatalogId) return 'off';
      try {
        await client.api(`${user(userId)}/teamwork/installedApps`).post({
          'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${settings.teamsAppCatalogId}`,
        });
        return 'installed';
      } catch (err) {
        if (statusOf(err) === 409) return 'already-installed';
        throw err;
      }
    },
  };
}
