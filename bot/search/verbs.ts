/** The search slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const SEARCH_VERBS = {
  search: 'incidents.search',
  accessRequest: 'incidents.access.request',
  accessApprove: 'incidents.access.approve',
  accessDecline: 'incidents.access.decline',
} as const;
