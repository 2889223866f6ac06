import type { Scope } from '../commands';
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
