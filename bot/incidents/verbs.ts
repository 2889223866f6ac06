/** Card action verbs of the incidents slice that other modules build buttons for. */
export const INCIDENT_VERBS = {
  view: 'incident.view',
  /** Puts the de-identified card back after details were shown in place (no personal chat). */
  hide: 'incident.hide',
} as const;
