import type { ReaderHub } from '../../reader/hub.ts';
import {
  CORE_METHODS,
  type TapView,
  type ValidatorView,
} from '../../shared/contracts/local-api.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { DeviceStore } from '../store/store.ts';
import type { ValidatorPolicy } from '../validator/decide.ts';
import type { ReconnectingDisplay } from '../validator/display-link.ts';
import { presentDecision } from '../validator/present.ts';
import {
  ValidatorService,
  type TapReport,
  type ValidatorServiceOptions,
} from '../validator/service.ts';
import type { DeviceReport, RoleController } from './kiosk-service.ts';
import type { LocalApi } from './local-api.ts';

/** The rider screen's form of a tap (no identifiers, as everything on the local API). */
export function tapView(t: TapReport): TapView {
  const d = t.decision;
  const p = presentDecision(d);
  return {
    at: t.at,
    presentAt: t.presentAt,
    reader: t.reader,
    outcome: d.outcome,
    reason: { code: d.reason.code, ja: d.reason.ja, en: d.reason.en },
    fareYen: d.fareYen ?? null,
    baseFareYen: d.baseFareYen ?? null,
    discountYen: d.discountYen,
    category: d.category ? { id: d.category.id, ja: d.category.ja, en: d.category.en } : null,
    subsidised: d.subsidised,
    allowanceLeft: d.allowanceLeft ?? null,
    staleData: d.staleData,
    display: { lines: [p.lines[0], p.lines[1]], led: p.led },
    decisionMs: t.timings.totalMs,
  };
}

export interface ValidatorRoleOptions {
  readonly hub: ReaderHub;
  readonly store: DeviceStore;
  readonly fleetKey: Uint8Array;
  readonly clock: Clock;
  readonly policy: ValidatorPolicy;
  readonly fareTable?: string;
  readonly readers?: readonly string[] | undefined;
  readonly display?: ReconnectingDisplay | undefined;
  readonly cardTimeoutMs?: number;
  readonly resultHoldMs?: number;
  readonly fsync?: ValidatorServiceOptions['fsync'];
  readonly housekeeping?: { everyMs: number; retentionMs: number; recentTapMs: number };
  readonly logger?: Logger;
}

/** The validator as a role of the kiosk service: its taps on the rider screen and the status page. */
export class ValidatorRole implements RoleController {
  readonly role = 'validator' as const;
  private service: ValidatorService | undefined;
  private policy: ValidatorPolicy;
  private last: TapView | null = null;

  constructor(private readonly o: ValidatorRoleOptions) {
    this.policy = o.policy;
  }

  private view(): ValidatorView {
    return { routeId: this.policy.routeId, stopId: this.policy.stopId ?? null, last: this.last };
  }

  private makeService(): ValidatorService {
    const o = this.o;
    return new ValidatorService({
      hub: o.hub,
      store: o.store,
      fleetKey: o.fleetKey,
      clock: o.clock,
      policy: this.policy,
      display: o.display,
      readers: o.readers,
      ...(o.fareTable ? { fareTable: o.fareTable } : {}),
      ...(o.cardTimeoutMs ? { cardTimeoutMs: o.cardTimeoutMs } : {}),
      ...(o.resultHoldMs ? { resultHoldMs: o.resultHoldMs } : {}),
      ...(o.fsync ? { fsync: o.fsync } : {}),
      ...(o.housekeeping ? { housekeeping: o.housekeeping } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
    });
  }

  async start(api: LocalApi): Promise<void> {
    const attach = (service: ValidatorService): void => {
      service.onTap((t) => {
        this.last = tapView(t);
        api.push('validator.tap', this.last);
        api.push('validator.view', this.view());
      });
      service.start();
      this.service = service;
    };
    api.method('validator.get', CORE_METHODS['validator.get'], () => this.view());
    api.method('validator.setRoute', CORE_METHODS['validator.setRoute'], async (p) => {
      // The bus changed route at a terminus: a new service with the new policy; taps under way finish first.
      this.policy = { ...this.policy, routeId: p.routeId, stopId: p.stopId };
      await this.service?.stop();
      attach(this.makeService());
      api.push('validator.view', this.view());
      return this.view();
    });
    attach(this.makeService());
    api.push('validator.view', this.view());
    await Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.service?.stop();
    this.service = undefined;
  }

  devices(): readonly DeviceReport[] {
    const d = this.o.display;
    return [
      {
        kind: 'rider-display',
        name: 'rider display',
        state: d ? d.state : 'absent',
      },
    ];
  }
}
