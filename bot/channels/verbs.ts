/** The channels slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const CHANNEL_VERBS = {
  save: 'channel.save',
  remove: 'channel.remove',
} as const;
