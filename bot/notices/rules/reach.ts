/**
 * How a private view reaches one person: pure.
 *
 * - 'chat': Concordat has their personal chat (recorded when they installed
 *   it): private cards go there, as they always have.
 * - 'inPlace': no personal chat. Private views are shown to them alone in
 *   answer to a button they press (an Action.Execute invoke response, which
 *   Teams returns to the pressing client only and never posts), and notices
 *   that could not be sent are kept for them until they open them.
 *   `why` says which case it is: 'otherTenant' when they sign in from a
 *   tenant the bot's teams do not belong to (a shared-channel member through
 *   B2B direct connect: Teams has no one-to-one app chat with external users,
 *   so they never will have one); 'noChatYet' when they could install
 *   Concordat for themselves but have not.
 */
export type PrivateReach<Chat> = { kind: 'chat'; chat: Chat } | { kind: 'inPlace'; why: 'otherTenant' | 'noChatYet' };

export function decideReach<Chat>(input: {
  chat: Chat | undefined;
  /** The tenant the directory records for the person. */
  memberTenantId: string | undefined;
  /** The tenants the bot is installed in teams of (the host tenant). Empty: not known, nobody is taken for external. */
  hostTenants: ReadonlySet<string>;
}): PrivateReach<Chat> {
  if (input.chat) return { kind: 'chat', chat: input.chat };
  const external = !!input.memberTenantId && input.hostTenants.size > 0 && !input.hostTenants.has(input.memberTenantId);
  return { kind: 'inPlace', why: external ? 'otherTenant' : 'noChatYet' };
}

/** One sentence for the person: why this is shown here, to them alone. */
export function reachExplanation(why: 'otherTenant' | 'noChatYet'): string {
  return why === 'otherTenant'
    ? 'Teams does not let apps chat one-to-one with people from another organisation\'s tenant, so Concordat shows your private items here, to you alone.'
    : 'You have no private chat with Concordat yet, so it shows your private items here, to you alone. Open a chat with Concordat to get them there instead.';
}
