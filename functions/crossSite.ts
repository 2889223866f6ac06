/**
 * Local mode answers without authentication, on loopback. A browser page on
 * any site can still reach loopback: a "simple" cross-site request (a form,
 * or fetch with text/plain) needs no CORS preflight, so without these checks
 * any web page could post an activity as the demo administrator. Teams and
 * the Agents Playground send application/json and no Origin (server to
 * server); a browser on the machine itself sends a loopback Origin.
 */
const LOOPBACK_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

export function crossSiteRefusal(headers: { get(name: string): string | null }): { status: 403 | 415; error: string } | undefined {
  const origin = headers.get('origin');
  if (origin !== null && !LOOPBACK_ORIGIN.test(origin)) {
    return { status: 403, error: 'local mode answers requests from this machine only; this request came from a page on another site' };
  }
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return { status: 415, error: 'send the activity as application/json' };
  return undefined;
}
