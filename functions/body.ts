import type { HttpRequest } from '@azure/functions';

/**
 * Request bodies are read with a byte limit, never whole: a declared
 * Content-Length over the limit is refused before a byte is read, and a body
 * that streams past it is abandoned at the limit. Before this, a 200 MB
 * unsigned POST was read into memory (~900 MB) before its 413.
 */
export type BodyResult = { ok: true; text: string } | { ok: false; status: 413; error: string };

export function tooLarge(maxBytes: number): { ok: false; status: 413; error: string } {
  return { ok: false, status: 413, error: `the body is over ${Math.floor(maxBytes / 1024)} KB` };
}

/** Whether a declared Content-Length is already over the limit. */
export function declaredTooLarge(contentLength: string | null | undefined, maxBytes: number): boolean {
  if (!contentLength) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > maxBytes;
}

/** Reads chunks until the body ends or passes maxBytes; past the limit it stops reading and says so. */
export async function readLimited(chunks: AsyncIterable<Uint8Array>, maxBytes: number, onAbandon?: () => void): Promise<BodyResult> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      onAbandon?.();
      return tooLarge(maxBytes);
    }
    parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return { ok: true, text: Buffer.concat(parts, bytes).toString('utf8') };
}

/** A request's body as text, within maxBytes: an Azure Functions HttpRequest, or the fetch Request it wraps when streaming. */
export async function readBody(request: Pick<HttpRequest, 'headers' | 'body'> | Request, maxBytes: number): Promise<BodyResult> {
  if (declaredTooLarge(request.headers.get('content-length'), maxBytes)) return tooLarge(maxBytes);
  const stream = request.body;
  if (!stream) return { ok: true, text: '' };
  const reader = stream.getReader();
  const chunks: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    },
  };
  return readLimited(chunks, maxBytes, () => void reader.cancel().catch(() => undefined));
}
