/** The conversation slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const CONVERSATION_VERBS = {
  help: 'help',
} as const;
