import type { AppContext } from '../kernel/context';
import { personalConversationOf } from '../conversation/repository';
import type { Scope } from '../common/access';
import type { CommandRequest } from '../common/route';
import type { Caller } from '../conversation/user';
import type { ConversationReference } from '../conversation/model';
import { privateReachOf } from '../notices/reach';
import type { PrivateReach } from '../notices/rules/reach';

/** What an incident use case needs to know about who asked and where. No Teams types. */
export interface IncidentRequest {
  caller: Caller;
  scope: Scope;
  /** Who sees the answer: only the asker (a button's invoke response, or a personal chat), or everyone in the conversation. */
  answerSeenBy: CommandRequest['answerSeenBy'];
  /** The caller's 1:1 chat with the bot, where details may be sent; undefined if never recorded. */
  personalChat: () => Promise<ConversationReference | undefined>;
  /** How private views reach the caller: their personal chat, or in place (no personal chat: notices/rules/reach.ts). */
  privateReach: () => Promise<PrivateReach<ConversationReference>>;
}

/** A registered caller with an organisation: the only kind who may report or see incidents. */
export type RegisteredCaller = Caller & { aadObjectId: string; member: NonNullable<Caller['member']>; organisation: NonNullable<Caller['organisation']> };

export function registered(caller: Caller): caller is RegisteredCaller {
  return !!caller.aadObjectId && !!caller.member && !!caller.organisation;
}

/** The incident view of a routed request: who asked, where, and how to find the asker's personal chat for private details. */
export function incidentRequest(
  ctx: AppContext,
  { caller, scope, conversation, answerSeenBy }: Pick<CommandRequest, 'caller' | 'scope' | 'conversation'> & Partial<Pick<CommandRequest, 'answerSeenBy'>>,
): IncidentRequest {
  const personalChat = async () =>
    conversation.kind === 'personal' ? conversation : caller.aadObjectId ? personalConversationOf(ctx, caller.aadObjectId) : undefined;
  return {
    caller,
    scope,
    answerSeenBy: answerSeenBy ?? (scope === 'personal' ? 'asker' : 'conversation'),
    personalChat,
    privateReach: async () => {
      if (conversation.kind === 'personal') return { kind: 'chat', chat: conversation };
      if (!caller.aadObjectId) return { kind: 'inPlace', why: 'noChatYet' };
      return privateReachOf(ctx, { aadObjectId: caller.aadObjectId, tenantId: caller.member?.tenantId ?? caller.tenantId });
    },
  };
}
