import type { AppContext } from '../context';
import { personalConversationOf } from '../conversation/personal';
import type { Scope } from '../shared/access';
import type { CommandRequest } from '../shared/route';
import type { Caller } from '../conversation/user';
import type { ConversationReference } from '../domain/conversation';

/** What an incident use case needs to know about who asked and where. No Teams types. */
export interface IncidentRequest {
  caller: Caller;
  scope: Scope;
  /** The caller's 1:1 chat with the bot, where details may be sent; undefined if never recorded. */
  personalChat: () => Promise<ConversationReference | undefined>;
}

/** A registered caller with an organisation: the only kind who may report or see incidents. */
export function registered(caller: Caller): caller is Caller & { aadObjectId: string; member: NonNullable<Caller['member']>; organisation: NonNullable<Caller['organisation']> } {
  return !!caller.aadObjectId && !!caller.member && !!caller.organisation;
}

/** The incident view of a routed request: who asked, where, and how to find the asker's personal chat for private details. */
export function incidentRequest(ctx: AppContext, { caller, scope, conversation }: Pick<CommandRequest, 'caller' | 'scope' | 'conversation'>): IncidentRequest {
  return {
    caller,
    scope,
    personalChat: async () =>
      conversation.kind === 'personal' ? conversation : caller.aadObjectId ? personalConversationOf(ctx, caller.aadObjectId) : undefined,
  };
}
