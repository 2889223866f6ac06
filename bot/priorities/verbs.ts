/** The priorities slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const PRIORITY_VERBS = {
  submit: 'priorities.submit',
} as const;
