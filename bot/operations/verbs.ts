/** The operations slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const OPERATION_VERBS = {
  new: 'operation.new',
  list: 'operation.list',
  schedule: 'operation.schedule',
  view: 'operation.view',
  change: 'operation.change',
  reschedule: 'operation.reschedule',
  cancel: 'operation.cancel',
  outcomesForm: 'operation.outcomesForm',
  outcomes: 'operation.outcomes',
} as const;
