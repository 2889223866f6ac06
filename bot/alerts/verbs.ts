/** The alerts slice's card action verbs: routes.ts declares them, cards and other slices name them from here. */
export const ALERT_VERBS = {
  open: 'alert',
  list: 'alerts',
  submit: 'alert.submit',
  /** The Acknowledge button. */
  ack: 'alert.ack',
  /** The channel card's `refresh`: Teams asks for the viewer's own view (docs/cards.md "User-specific alert views"). */
  view: 'alert.view',
} as const;
