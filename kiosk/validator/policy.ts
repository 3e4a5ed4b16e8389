import type { ValidatorConfig } from '../../shared/config/device.ts';
import type { ValidatorPolicy } from './decide.ts';

/** The decision policy from the config's validator section (seconds and hours into ms). */
export function policyOf(v: ValidatorConfig, route?: string, stop?: string): ValidatorPolicy {
  return {
    routeId: route ?? v.routeId,
    stopId: stop ?? v.stopId,
    duplicateWindowMs: v.duplicateWindowSeconds * 1000,
    maxDataAgeMs: v.maxDataAgeHours * 3_600_000,
    stalePolicy: v.stalePolicy,
    overrunBound: v.overrunBound,
  };
}
