import { ReaderError } from '../errors.ts';
import type { SimulatedCard, SimulatedCardKind } from './card.ts';
import { FelicaCardSim } from './felica-card.ts';
import { loadFelicaProfile } from './felica-profile.ts';
import { MyNumberCardSim } from './mynumber-card.ts';
import {
  defaultMyNumberProfile,
  loadMyNumberProfile,
  seniorMyNumberProfile,
} from './mynumber-profile.ts';
import defaultFelica from './profiles/felica-default.json' with { type: 'json' };
import { UnknownCardSim } from './unknown-card.ts';

export const SIM_KINDS: readonly SimulatedCardKind[] = ['mynumber', 'felica', 'unknown'];

/** Built-in profiles by name, for demos and tests: `--profile senior` without a file. */
export const BUILTIN_PROFILES = ['default', 'senior'] as const;

/**
 * A simulated card of `kind`, from a profile (parsed JSON) or a built-in profile name;
 * the default profile when neither is given. Invalid profiles are `reader/profile-invalid`.
 */
export function createSimulatedCard(
  kind: SimulatedCardKind,
  profile?: { readonly builtin: string } | { readonly json: unknown },
): SimulatedCard {
  const builtin = profile && 'builtin' in profile ? profile.builtin : undefined;
  if (builtin !== undefined && !(BUILTIN_PROFILES as readonly string[]).includes(builtin)) {
    throw new ReaderError(
      'reader/profile-invalid',
      `no built-in profile "${builtin}" (${BUILTIN_PROFILES.join(', ')})`,
    );
  }
  const json = profile && 'json' in profile ? profile.json : undefined;
  switch (kind) {
    case 'mynumber':
      if (json !== undefined) return new MyNumberCardSim(loadMyNumberProfile(json));
      return new MyNumberCardSim(
        builtin === 'senior' ? seniorMyNumberProfile() : defaultMyNumberProfile(),
      );
    case 'felica':
      return new FelicaCardSim(loadFelicaProfile(json ?? defaultFelica));
    case 'unknown':
      return new UnknownCardSim();
  }
}

/** A FeliCa card like the default profile but with its own IDm (16 hex digits): a rider. */
export function felicaCardWithIdm(idm: string): FelicaCardSim {
  return new FelicaCardSim(loadFelicaProfile({ ...defaultFelica, idm }));
}
