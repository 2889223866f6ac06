/** The warnings slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const WARNING_VERBS = {
  incidents: 'hotspot.incidents',
  propose: 'hotspot.propose',
} as const;
