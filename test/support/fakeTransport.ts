import type { OutboxPayload, Target } from '../../bot/outbox/model';
import { TransportError, type Transport } from '../../bot/outbox/transport';

type Script = (target: Target, n: number) => TransportError | 'hang' | undefined;

/** A Transport that records sends and fails as a test scripts it; each send waits for its pacer slot first, as a real transport does. */
export function fakeTransport(script: Script = () => undefined) {
  const posts: { target: Target; payload: OutboxPayload; activityId: string }[] = [];
  const updates: { target: Target; activityId: string; payload: OutboxPayload }[] = [];
  let calls = 0;
  const transport: Transport = {
    async post(target, payload, dispatch) {
      await dispatch.ready();
      const failure = script(target, ++calls);
      if (failure === 'hang') return new Promise(() => {});
      if (failure) throw failure;
      const activityId = `act-${posts.length + 1}`;
      posts.push({ target, payload, activityId });
      return { activityId };
    },
    async update(target, activityId, payload, dispatch) {
      await dispatch.ready();
      const failure = script(target, ++calls);
      if (failure === 'hang') return new Promise(() => {});
      if (failure) throw failure;
      updates.push({ target, activityId, payload });
    },
  };
  return { transport, posts, updates, calls: () => calls };
}
