/**
 * Used by m365agents.local.yml before it creates real Teams and Entra apps.
 *
 * env/.env.local carries fixed placeholder ids (00000000-0000-4000-8000-…) so
 * that the app package builds for the Agents Playground without any
 * registration. The Agents Toolkit reuses an id it finds instead of creating
 * one, so for each id still at a placeholder this prints
 * `::set-teamsfx-env NAME=`, which blanks it for the rest of the run.
 */
export const PLACEHOLDER_ID = /^00000000-0000-4000-8000-[0-9a-f]{12}$/i;
export const IDS = ['TEAMS_APP_ID', 'BOT_ID', 'AAD_APP_CLIENT_ID'] as const;

export function forgetPlaceholderIds(env: Record<string, string | undefined>): string[] {
  return IDS.filter((name) => PLACEHOLDER_ID.test(env[name] ?? '')).map((name) => `::set-teamsfx-env ${name}=`);
}

if (require.main === module) {
  for (const line of forgetPlaceholderIds(process.env)) console.log(line);
}
