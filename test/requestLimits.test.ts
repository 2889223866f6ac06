/**
 * Request bodies are read with a byte limit and abandoned early: a huge
 * unsigned POST costs the server at most a little more than the limit, not
 * the whole body (before: a 200 MB POST raised memory by ~900 MB before the
 * 413). And in local (unauthenticated) mode, a browser on another site cannot
 * make the bot act as the administrator.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import { HttpRequest } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../functions/body';
import { activityFrom, DAN, personalChat, startBotHarness, type BotHarness } from './support/botHarness';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness();
});
afterAll(async () => bot?.close());

const MB = 1024 * 1024;

/** Streams `total` bytes of JSON-ish filler at the server and counts how many it let the client write. */
function hugePost(url: string, total: number, headers: Record<string, string>): Promise<{ status: number | undefined; written: number }> {
  return new Promise((resolve) => {
    let written = 0;
    let status: number | undefined;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const body = new Readable({
      read() {
        if (written >= total) return this.push(null);
        written += chunk.length;
        this.push(chunk);
      },
    });
    const u = new URL(url);
    const req = http.request({ hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', () => finish());
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      body.destroy();
      resolve({ status, written });
    };
    req.on('error', () => finish());
    req.on('close', () => finish());
    body.pipe(req);
  });
}

describe('request bodies have a byte limit and are abandoned early', () => {
  it.each([
    ['alerts', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
    ['priorities', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
    ['messages', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
  ])('a 100 MB unsigned POST to /api/%s without a length is refused after about the limit, not read whole', async (route, headers) => {
    const before = process.memoryUsage().rss;
    const res = await hugePost(`${bot.host.url}/api/${route}`, 100 * MB, headers);
    const grew = process.memoryUsage().rss - before;
    console.log(`BODY-LIMIT ${route}: client wrote ${(res.written / MB).toFixed(1)} MB before the server stopped (status ${res.status}); rss +${(grew / MB).toFixed(0)} MB`);
    // The limit (64 KB for partners, 1 MB for activities) plus what socket buffers hold.
    expect(res.written).toBeLessThan(12 * MB);
    if (res.status !== undefined) expect(res.status).toBe(413);
  }, 60_000);

  it('a declared Content-Length over the limit is refused before any of the body is read', async () => {
    const res = await hugePost(`${bot.host.url}/api/alerts`, 100 * MB, { 'content-type': 'application/json', 'content-length': String(100 * MB) });
    expect(res.written).toBeLessThan(12 * MB);
    if (res.status !== undefined) expect(res.status).toBe(413);
  }, 60_000);

  it('readBody, as the Functions host calls it, stops reading at the limit', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024));
        if (pulled >= 50 * MB) controller.close();
      },
    });
    // With HTTP streaming on, the Functions host hands the worker a fetch Request over the incoming stream.
    const request = new Request('http://localhost/api/alerts', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    const result = await readBody(request, 64 * 1024);
    expect(result).toMatchObject({ ok: false, status: 413 });
    expect(pulled).toBeLessThan(1 * MB);
    expect(await readBody(new HttpRequest({ method: 'POST', url: 'http://localhost/x', body: { string: '{"a":1}' } }), 64 * 1024)).toEqual({ ok: true, text: '{"a":1}' });
  });
});

describe('local mode refuses cross-site requests', () => {
  const help = () => JSON.stringify(activityFrom(bot.connector.serviceUrl, DAN, personalChat(DAN), { type: 'message', text: 'help' }));

  it('a text/plain POST (a simple cross-site form or fetch) is refused without acting', async () => {
    const before = bot.connector.sent.length;
    const res = await fetch(`${bot.host.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: help() });
    expect(res.status).toBe(415);
    expect(bot.connector.sent.length).toBe(before);
  });

  it('a POST from a page on another site is refused; the playground and the tests (no Origin, or loopback) are served', async () => {
    const res = await fetch(`${bot.host.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: help() });
    expect(res.status).toBe(403);
    const local = await fetch(`${bot.host.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://localhost:56150' }, body: help() });
    expect(local.status).toBe(200);
  });
});
