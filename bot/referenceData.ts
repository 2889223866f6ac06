import type { AppContext } from './context';
import type { Organisation } from './domain/organisation';
import type { Theme } from './domain/theme';

/** The configured organisations and themes: small, one partition each. The only place their partition keys are spelt. */
export async function allOrganisations(ctx: AppContext): Promise<Organisation[]> {
  return (await ctx.store.organisations.listPartition('org')).map((o) => o.value);
}

export async function organisationNames(ctx: AppContext): Promise<Map<string, string>> {
  return new Map((await allOrganisations(ctx)).map((o) => [o.id, o.name]));
}

export async function allThemes(ctx: AppContext): Promise<Theme[]> {
  return (await ctx.store.themes.listPartition('theme')).map((t) => t.value);
}
