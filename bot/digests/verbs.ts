/** The digests slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const DIGEST_VERBS = {
  settings: 'digest.settings',
  save: 'digest.save',
  stop: 'digest.stop',
  allow: 'digest.allow',
  now: 'digest.now',
} as const;
