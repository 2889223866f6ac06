/** The audit slice's card action verbs: routes.ts declares them, cards name them from here. */
export const AUDIT_VERBS = {
  trail: 'audit.trail',
} as const;
