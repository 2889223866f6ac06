import type { AppContext } from './kernel/context';
import type { DirectoryOrganisation, DirectoryTheme } from './directory/model';
import { findOrganisation, findTheme, loadDirectory } from './directory/repository';

/**
 * The configured organisations and themes, as the partnership directory's
 * version in force has them (bot/directory/). The one place features read them.
 * Retired ones are left out of lists (choices, fan-out) but still found by id
 * and named, so history keeps resolving.
 */
export async function allOrganisations(ctx: Pick<AppContext, 'store'>): Promise<DirectoryOrganisation[]> {
  return (await loadDirectory(ctx)).organisations.filter((o) => !o.retiredAt);
}

export async function organisationNames(ctx: Pick<AppContext, 'store'>): Promise<Map<string, string>> {
  return new Map((await loadDirectory(ctx)).organisations.map((o) => [o.id, o.name]));
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
