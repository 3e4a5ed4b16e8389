import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { directTransport } from '../sim/direct.ts';
import { MyNumberCardSim } from '../sim/mynumber-card.ts';
import {
  defaultMyNumberProfile,
  loadMyNumberProfile,
  type MyNumberProfile,
} from '../sim/mynumber-profile.ts';
import { CardChannel } from '../transport/channel.ts';
import type { CardTransport } from '../transport/types.ts';
import { loadCaKeySet, type CaKeySet } from './ca-keys.ts';
import { parseRoots } from './jpki-ap.ts';

/** Shared by the unit tests of reader/mynumber: a simulated card and its trust anchors. */
const SIM_DIR = join(import.meta.dirname, '..', 'sim', 'profiles');

export const SIM_CA_KEYS: CaKeySet = loadCaKeySet(
  JSON.parse(readFileSync(join(SIM_DIR, 'sim-cv-ca-keys.json'), 'utf8')),
);
export const SIM_AUTH_ROOT = parseRoots([
  readFileSync(join(SIM_DIR, 'sim-jpki-roots', 'auth_ca_sim.pem'), 'utf8'),
]);
export const DEFAULT_PROFILE_JSON: Record<string, unknown> = JSON.parse(
  readFileSync(join(SIM_DIR, 'mynumber-default.json'), 'utf8'),
) as Record<string, unknown>;

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A default-profile profile with other holder data (keys and images inherited). */
export function profileWith(
  holder: Partial<Record<'name' | 'address' | 'birthDate' | 'sex' | 'myNumber', string>>,
  extra: Record<string, unknown> = {},
): MyNumberProfile {
  const base = DEFAULT_PROFILE_JSON as {
    holder: Record<string, string>;
    card: unknown;
    credentials: unknown;
  };
  return loadMyNumberProfile({
    holder: { ...base.holder, ...holder },
    card: base.card,
    credentials: base.credentials,
    ...extra,
  });
}

export function simCard(profile: MyNumberProfile = defaultMyNumberProfile()): {
  card: MyNumberCardSim;
  channel: CardChannel;
  sent: string[];
} {
  const card = new MyNumberCardSim(profile);
  const inner = directTransport(card);
  const sent: string[] = [];
  const transport: CardTransport = {
    ...inner,
    transmit: (command, options) => {
      sent.push(Buffer.from(command.subarray(0, 4)).toString('hex'));
      return inner.transmit(command, options);
    },
  };
  return { card, channel: new CardChannel(transport), sent };
}
