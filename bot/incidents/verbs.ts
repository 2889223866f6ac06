/** The incidents slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const INCIDENT_VERBS = {
  report: 'incident.report',
  submit: 'incident.submit',
  view: 'incident.view',
  /** Puts the de-identified card back after details were shown in place (no personal chat). */
  hide: 'incident.hide',
  updateForm: 'incident.update.form',
  updateSubmit: 'incident.update.submit',
  editForm: 'incident.edit.form',
  editSubmit: 'incident.edit.submit',
  link: 'incident.link',
  linkSubmit: 'incident.link.submit',
  list: 'incidents.list',
} as const;
