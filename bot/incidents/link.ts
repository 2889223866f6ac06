import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';

/**
 * "Link to a joint operation". Joint operations (issue 5) are not built yet:
 * there is no bot/operations/ to link to, so the button says so plainly
 * rather than pretending. Replace this with the operations use case when it lands.
 */
export function linkToOperation(reference: string): AdaptiveCard {
  return messageCard({
    title: 'Joint operations are coming',
    text: `Linking ${reference} to a joint operation will be possible once joint operations are in Concordat. Until then, quote ${reference} to the coordinator.`,
  });
}
