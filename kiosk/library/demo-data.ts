/**
 * The patron cache that matches the simulated library (sip2/sim/data.ts): what a municipality's
 * `patrons` dataset would hold for those patrons, with an IC card and a My Number Card linked.
 * Used by `kazasu library demo`, tests and the benchmark.
 */
import { SIM } from './sip2/sim/data.ts';
import type { CachedCard } from './patron-cache.ts';

export const DEMO_CARDS = {
  /** A transit IC card linked to patron L0001. */
  icCardIdm: '0123456789abcdef',
  /** The JPKI authentication certificate serial of a My Number Card linked to L0005. */
  myNumberSerial: '1A2B3C4D5E',
} as const;

export function demoPatronCache(): CachedCard[] {
  const p = SIM.patrons;
  return [
    { kind: 'library-card', id: p.ok, patron: { patronId: p.ok, status: 'active' } },
    { kind: 'felica-idm', id: DEMO_CARDS.icCardIdm, patron: { patronId: p.ok, status: 'active' } },
    {
      kind: 'library-card',
      id: p.fines,
      patron: { patronId: p.fines, status: 'blocked', block: 'fines' },
    },
    {
      kind: 'library-card',
      id: p.cardLost,
      patron: { patronId: p.cardLost, status: 'blocked', block: 'card-lost' },
    },
    {
      kind: 'library-card',
      id: p.atLimit,
      patron: { patronId: p.atLimit, status: 'active', offlineLimit: 1 },
    },
    { kind: 'library-card', id: p.second, patron: { patronId: p.second, status: 'active' } },
    {
      kind: 'jpki-auth-serial',
      id: DEMO_CARDS.myNumberSerial,
      patron: { patronId: p.second, status: 'active' },
    },
  ];
}
