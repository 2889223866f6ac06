import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';

/**
 * Optional Microsoft Graph settings. Graph is used for two things only:
 * calendar events for joint operations, and installing the bot for a user
 * who has no personal chat with it yet. Without credentials both are off.
 *
 * Credentials: an Entra app (the bot's own, or another) with application
 * permissions Calendars.ReadWrite, User.Read.All and
 * TeamsAppInstallation.ReadWriteForUser.All, authenticated by a client
 * secret or a managed identity.
 */
export const GraphSettings = lazySchema(() => z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  credential: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('secret'), secret: z.string().min(1) }),
    /** A user-assigned identity names its client id; a system-assigned one needs none. */
    z.object({ kind: z.literal('managedIdentity'), clientId: z.string().optional() }),
  ]),
  /** Whose calendar holds the events (a shared mailbox's UPN or object id); default: the coordinator's. */
  organiser: z.string().min(3).optional(),
  /** The app's id in the tenant's Teams app catalog, for installing the bot for a user; without it that is off. */
  teamsAppCatalogId: z.string().min(1).optional(),
}));
export type GraphSettings = z.infer<typeof GraphSettings>;

export interface GraphEnv {
  GRAPH_TENANT_ID?: string;
  GRAPH_CLIENT_ID?: string;
  GRAPH_CLIENT_SECRET?: string;
  GRAPH_MANAGED_IDENTITY?: string;
  GRAPH_CALENDAR_ORGANISER?: string;
  GRAPH_TEAMS_APP_CATALOG_ID?: string;
  MicrosoftAppId?: string;
  MicrosoftAppTenantId?: string;
}

/**
 * Graph settings from the environment: undefined when no Graph credential is
 * given (Graph off), problems when one is given but incomplete. The bot's app
 * id and tenant are reused unless GRAPH_CLIENT_ID / GRAPH_TENANT_ID say otherwise.
 * GRAPH_MANAGED_IDENTITY is `system` or a user-assigned identity's client id.
 */
export function graphSettingsFrom(env: GraphEnv): { settings?: GraphSettings; problems: string[] } {
  const secret = env.GRAPH_CLIENT_SECRET;
  const identity = env.GRAPH_MANAGED_IDENTITY;
  if (!secret && !identity) return { problems: [] };
  const problems: string[] = [];
  if (secret && identity) problems.push('set GRAPH_CLIENT_SECRET or GRAPH_MANAGED_IDENTITY, not both');
  const tenantId = env.GRAPH_TENANT_ID ?? env.MicrosoftAppTenantId;
  const clientId = env.GRAPH_CLIENT_ID ?? env.MicrosoftAppId ?? (identity && identity !== 'system' ? identity : undefined);
  if (!tenantId) problems.push('Graph needs GRAPH_TENANT_ID (or MicrosoftAppTenantId)');
  if (!clientId) problems.push('Graph needs GRAPH_CLIENT_ID (or MicrosoftAppId)');
  if (problems.length) return { problems };
  const parsed = GraphSettings.safeParse({
    tenantId,
    clientId,
    credential: secret
      ? { kind: 'secret', secret }
      : { kind: 'managedIdentity', clientId: identity === 'system' ? undefined : identity },
    organiser: env.GRAPH_CALENDAR_ORGANISER,
    teamsAppCatalogId: env.GRAPH_TEAMS_APP_CATALOG_ID,
  });
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `GRAPH ${i.path.join('.')}: ${i.message}`) };
  return { settings: parsed.data, problems: [] };
}
