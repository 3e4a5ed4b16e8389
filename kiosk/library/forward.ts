/**
 * Store-and-forward: checkouts made while the library system was unreachable go to it, oldest
 * first, with no-block (SIP2 Checkout "no block" = Y: the terminal already lent the item, the
 * system must record it) and their original transaction time and due date. What it still
 * refuses becomes an exception for staff. A link failure stops the run; what is left stays
 * pending for the next one, so nothing is lost and nothing is sent out of order.
 */
import { serializeError, type SerializedError } from '../../shared/errors.ts';
import type { ExceptionReason } from '../../shared/contracts/sync/library.ts';
import { silentLogger, type Logger } from '../../shared/log.ts';
import type { CheckoutStore } from '../store/checkouts.ts';
import { isLinkFailure, refusalOf, type ItemStatus, type LibrarySystem } from './library-system.ts';

export interface ForwardReport {
  readonly forwarded: number;
  readonly exceptions: number;
  readonly remaining: number;
  /** Why the run stopped early (the library system went away again). */
  readonly stopped?: SerializedError;
}

async function exceptionReason(
  system: LibrarySystem,
  itemId: string,
  patronId: string,
): Promise<ExceptionReason> {
  // A link failure here propagates: the checkout stays pending and is tried again, rather
  // than becoming an exception with a guessed reason.
  const item: ItemStatus = await system.itemStatus(itemId);
  const why = refusalOf(item);
  if (why === 'unknown-item') return 'unknown-item';
  if (why === 'on-loan') return 'on-loan-to-other';
  const patron = await system.patronStatus(patronId);
  return patron.valid ? 'refused' : 'unknown-patron';
}

export async function forwardPending(
  store: CheckoutStore,
  system: LibrarySystem,
  options: { readonly limit?: number; readonly logger?: Logger } = {},
): Promise<ForwardReport> {
  const log = (options.logger ?? silentLogger).child({ module: 'library:forward' });
  let forwarded = 0;
  let exceptions = 0;
  for (const p of store.pending(options.limit ?? 50)) {
    store.noteAttempt(p.txnId);
    try {
      const reply = await system.checkout({
        patronId: p.patronId,
        itemId: p.itemId,
        at: p.occurredAt,
        noBlock: true,
        nbDueDate: p.dueDate,
      });
      if (reply.ok) {
        store.markForwarded(p.txnId, reply.dueDate);
        forwarded += 1;
      } else {
        store.markException(p.txnId, await exceptionReason(system, p.itemId, p.patronId));
        exceptions += 1;
      }
    } catch (error) {
      if (!isLinkFailure(error)) throw error;
      log.info({ err: serializeError(error) }, 'forwarding stopped: library system unreachable');
      return {
        forwarded,
        exceptions,
        remaining: store.stats().pending,
        stopped: serializeError(error),
      };
    }
  }
  return { forwarded, exceptions, remaining: store.stats().pending };
}
