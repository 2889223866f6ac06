/**
 * The bench's users on a thread of their own: each turn's HTTP request is
 * sent, and its answer read and timed, there. In the bot's thread, ten users'
 * requests and answers would be handled by the same event loop as the turns
 * being timed, queueing behind them and delaying them: work a deployed bot
 * never does (its users are in Teams). The time is taken on this thread,
 * from sending the request to the last byte of the answer.
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { postHere, type Poster } from './turns';

export async function startClientThread(): Promise<{ post: Poster; close(): Promise<void> }> {
  // The worker runs this same file, TypeScript, through tsx as the benchmarks do.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true });
  const pending = new Map<number, { resolve: (v: Awaited<ReturnType<Poster>>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  worker.on('message', (m: { id: number; ok?: Awaited<ReturnType<Poster>>; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.ok);
    else p?.reject(new Error(m.error ?? 'the client thread failed'));
  });
  return {
    post: (url, body) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, url, body });
      }),
    async close() {
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', ({ id, url, body }: { id: number; url: string; body: string }) => {
    postHere(url, body).then(
      (ok) => port.postMessage({ id, ok }),
      (err: Error) => {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        port.postMessage({ id, error: `${err.message}${cause ? ` (${cause.code ?? cause.message})` : ''}` });
      },
    );
  });
  port.postMessage('ready');
}
