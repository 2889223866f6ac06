import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Partner systems sign each request: HMAC-SHA256 with their own secret over
 * `<timestamp>.<body>`, sent as `sha256=<hex>`. Pure: the caller supplies the
 * time and remembers signatures to refuse replays.
 */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  now: Date;
}): SignatureCheck {
  if (!input.timestamp || !/^\d{10}$/.test(input.timestamp)) {
    return { ok: false, reason: 'x-concordat-timestamp must be the Unix time in seconds' };
  }
  if (!input.signature || !/^sha256=[0-9a-f]{64}$/.test(input.signature)) {
    return { ok: false, reason: 'x-concordat-signature must be sha256=<64 hex digits>' };
  }
  const skew = Math.abs(input.now.getTime() - Number(input.timestamp) * 1000);
  if (skew > SIGNATURE_WINDOW_MS) return { ok: false, reason: 'the timestamp is more than 5 minutes from the server time' };
  const expected = Buffer.from(sign(input.secret, input.timestamp, input.body));
  const given = Buffer.from(input.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'the signature does not match the body and timestamp' };
  }
  return { ok: true };
}
