/** The alert cards' Action.Execute verbs, spelt once (routes.ts declares them; the cards carry them). */
export const ALERT_VERBS = {
  /** The Acknowledge button. */
  ack: 'alert.ack',
  /** The channel card's `refresh`: Teams asks for the viewer's own view (docs/cards.md "User-specific alert views"). */
  view: 'alert.view',
} as const;
