import { alertRoutes } from './alerts/routes';
import { auditRoutes } from './audit/routes';
import { channelRoutes } from './channels/routes';
import { conversationRoutes } from './conversation/routes';
import { digestRoutes } from './digests/routes';
import { directoryRoutes } from './directory/routes';
import { incidentRoutes } from './incidents/routes';
import { noticeRoutes } from './notices/routes';
import { operationRoutes } from './operations/routes';
import { priorityRoutes } from './priorities/routes';
import type { Scope, Who } from './common/access';
import type { ActionRoute, CommandRoute, ExtensionRoute, Route } from './common/route';
import { searchRoutes } from './search/routes';
import { warningRoutes } from './warnings/routes';

export { Role, Scope } from './common/access';

/**
 * Every command and card action the bot answers, collected from each
 * capability's routes.ts. bot/teams/ registers exactly these behind the one
 * gate (bot/common/gate.ts); the help card and the manifest's command lists
 * (scripts/package-app.ts) are derived from the same declarations, so a
 * command cannot be offered to someone it refuses, or answered somewhere it
 * is not declared.
 */
export const ROUTES: readonly Route[] = [
  ...conversationRoutes,
  ...incidentRoutes,
  ...searchRoutes,
  ...priorityRoutes,
  ...alertRoutes,
  ...channelRoutes,
  ...operationRoutes,
  ...digestRoutes,
  ...warningRoutes,
  ...directoryRoutes,
  ...noticeRoutes,
  ...auditRoutes,
];

function indexBy<R extends Route>(routes: readonly R[], key: (r: R) => string): ReadonlyMap<string, R> {
  const out = new Map<string, R>();
  for (const r of routes) {
    if (out.has(key(r))) throw new Error(`two routes declare "${key(r)}"`);
    out.set(key(r), r);
  }
  return out;
}

/** Commands by title, card actions by verb. Maps, so that a typed "__proto__" or "constructor" is simply not found. */
export const COMMAND_ROUTES: ReadonlyMap<string, CommandRoute> = indexBy(
  ROUTES.filter((r): r is CommandRoute => r.kind === 'command'),
  (r) => r.title,
);
export const ACTION_ROUTES: ReadonlyMap<string, ActionRoute> = indexBy(
  ROUTES.filter((r): r is ActionRoute => r.kind === 'action'),
  (r) => r.verb,
);

/** Message-extension commands by command id: bot/teams/ registers these behind the gate; the manifest lists them. */
export const EXTENSION_ROUTES: ReadonlyMap<string, ExtensionRoute> = indexBy(
  ROUTES.filter((r): r is ExtensionRoute => r.kind === 'extension'),
  (r) => r.commandId,
);

/** A command as the manifest and the help card see it. */
export interface CommandSpec {
  title: string;
  description: string;
  scopes: readonly Scope[];
  who: Who;
  menu?: boolean;
}

export const COMMANDS: readonly CommandSpec[] = [...COMMAND_ROUTES.values()].map((r) => ({
  title: r.title,
  description: r.description,
  scopes: r.access.scopes,
  who: r.access.who,
  ...(r.menu === undefined ? {} : { menu: r.menu }),
}));

/** Longest title first, so "digest now" is not read as "digest" with arguments. */
const BY_LENGTH = [...COMMAND_ROUTES.values()].sort((a, b) => b.title.length - a.title.length);

export function parseCommand(text: string): { title: string; args: string } | undefined {
  const normalised = text.replace(/\s+/g, ' ').trim();
  const lower = normalised.toLowerCase();
  const hit = BY_LENGTH.find((c) => lower === c.title || lower.startsWith(`${c.title} `));
  return hit && { title: hit.title, args: normalised.slice(hit.title.length).trim() };
}
