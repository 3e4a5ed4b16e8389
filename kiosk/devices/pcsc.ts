import pcsclite from 'pcsclite';
import type { Logger } from '../../shared/log.ts';
import type { PcscBinding, PcscBindingFactory } from '../../reader/pcsc/binding.ts';
import { PcscHub, type PcscHubOptions } from '../../reader/pcsc/hub.ts';

/**
 * The composition root for card readers: the only place that calls the pcsclite binding
 * (style.md rule 3). Each call establishes a fresh PC/SC context, which is how the hub
 * recovers after pcscd restarts.
 */
export const pcscliteFactory: PcscBindingFactory = (): PcscBinding => pcsclite();

export function createPcscHub(
  logger: Logger,
  options: Omit<PcscHubOptions, 'logger'> = {},
): PcscHub {
  return new PcscHub(pcscliteFactory, { ...options, logger });
}
