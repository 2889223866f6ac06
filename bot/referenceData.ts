import type { AppContext } from './kernel/context';
import type { DirectoryOrganisation, DirectoryTheme } from './directory/model';
import { committedDirectory, findOrganisation, findTheme, loadDirectory } from './directory/repository';

/**
 * The configured organisations and themes, as the partnership directory's
 * version in force has them (bot/directory/). The one place features read them.
 * Retired ones are left out of lists (choices, fan-out) but still found by id
 * and named, so history keeps resolving.
 */
export async function allOrganisations(ctx: Pick<AppContext, 'store'>, at?: DirectoryAt): Promise<DirectoryOrganisation[]> {
  return (await directoryAt(ctx, at)).organisations.filter((o) => !o.retiredAt);
}

export async function organisationNames(ctx: Pick<AppContext, 'store'>, at?: DirectoryAt): Promise<Map<string, string>> {
  return new Map((await directoryAt(ctx, at)).organisations.map((o) => [o.id, o.name]));
}

/** A turn's caller (bot/conversation/user.ts): the directory version they were identified against, if any. */
export type DirectoryAt = { directoryVersion?: number };

/** The version the caller was identified against when known (no storage request), else the one in force. */
function directoryAt(ctx: Pick<AppContext, 'store'>, at: DirectoryAt | undefined) {
  return at?.directoryVersion !== undefined ? committedDirectory(ctx, at.directoryVersion) : loadDirectory(ctx);
}

export async function organisationById(ctx: Pick<AppContext, 'store'>, id: string): Promise<DirectoryOrganisation | undefined> {
  return findOrganisation(ctx, id);
}

export async function allThemes(ctx: Pick<AppContext, 'store'>): Promise<DirectoryTheme[]> {
  return (await loadDirectory(ctx)).themes.filter((t) => !t.retiredAt);
}

export async function themeById(ctx: Pick<AppContext, 'store'>, id: string): Promise<DirectoryTheme | undefined> {
  return findTheme(ctx, id);
}
