// The module itself, not the package index: the index loads the whole AI layer (planners, models, tokenizers),
// which the sender, building an adapter only to post, must not pay for. Same class object as the index exports.
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import { JwtTokenProviderFactory, ManagedIdentityServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../kernel/config';

/**
 * The Bot Framework adapter. In local mode it has no app id, which makes
 * botbuilder accept unauthenticated activities: config.ts only allows that
 * on loopback. In production every activity's JWT is validated.
 */
export function createAdapter(config: Config): TeamsAdapter {
  if (config.mode === 'local') return new TeamsAdapter({});
  const auth = {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
    MicrosoftAppPassword: config.bot.password,
  };
  if (config.bot.appType === 'UserAssignedMSI') {
    return new TeamsAdapter(auth, new ManagedIdentityServiceClientCredentialsFactory(config.bot.appId, new JwtTokenProviderFactory()));
  }
  return new TeamsAdapter(auth);
}
