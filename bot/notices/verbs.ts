/** The notices slice's card action verbs (other slices put the "My private notices" button on their channel cards). */
export const NOTICE_VERBS = {
  list: 'notices.list',
  open: 'notices.open',
} as const;
