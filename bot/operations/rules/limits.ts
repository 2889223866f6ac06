/**
 * How long a joint operation may last. Its own module: the repository bounds its timeline reads by it, and
 * importing it from rules/form.ts made every timer that reads operations load the form's text checks.
 */
export const MAX_DURATION_MS = 14 * 24 * 3600_000;
