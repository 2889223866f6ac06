/** The directory slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const DIRECTORY_VERBS = {
  request: 'access.request',
  openRequest: 'access.open',
  approve: 'access.approve',
  decline: 'access.decline',
  people: 'people.list',
  member: 'member.open',
  save: 'member.save',
  suspend: 'member.suspend',
  reinstate: 'member.reinstate',
  remove: 'member.remove',
  reviewConfirm: 'review.confirm',
  reviewRemove: 'review.remove',
  reviewConfirmAll: 'review.confirmAll',
  reviewMore: 'review.more',
} as const;
