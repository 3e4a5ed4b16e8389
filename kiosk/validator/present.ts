import type { Presentation } from '../../hardware/validator-display/driver.ts';
import type { TapDecision } from './decide.ts';

/**
 * What the rider-facing display shows for a decision: line 1 the result and fare, line 2 the
 * reason or rides left, the LED colour and the buzzer (PROTOCOL.md). Japanese on the unit; the
 * full bilingual decision goes to the screen UI. Pure.
 */
export function presentDecision(d: TapDecision): Presentation {
  const yen = (n: number | undefined): string =>
    n === undefined ? '' : `${n.toLocaleString('ja-JP')}円`;
  switch (d.outcome) {
    case 'accepted': {
      const discounted = d.discountYen > 0 || d.subsidised;
      const head =
        discounted && d.category
          ? `${d.category.ja} ${yen(d.fareYen)}`
          : `${d.reason.ja === '普通運賃' ? '普通運賃' : '運賃'} ${yen(d.fareYen)}`;
      const detail =
        d.allowanceLeft !== undefined
          ? `${d.subsidised ? d.reason.ja : '助成'} 残り${d.allowanceLeft}回`
          : discounted
            ? d.reason.ja
            : d.reason.code === 'standard-fare'
              ? 'ご乗車ありがとうございます'
              : d.reason.ja;
      return {
        lines: [head, d.staleData ? `${detail}（データ更新待ち）` : detail],
        emphasised: discounted,
        led:
          d.reason.code === 'unknown-card' ||
          d.reason.code === 'allowance-offline-limit' ||
          d.staleData
            ? 'amber'
            : 'green',
        ledMs: 3000,
        beep: d.reason.code === 'unknown-card' ? 'notice' : 'accept',
      };
    }
    case 'already-validated':
      return {
        lines: [d.reason.ja, 'Already validated'],
        led: 'green',
        blink: true,
        ledMs: 2000,
        beep: 'notice',
      };
    case 'tap-again':
      return {
        lines: [d.reason.ja, 'Please tap again'],
        led: 'amber',
        blink: true,
        ledMs: 3000,
        beep: 'notice',
      };
    case 'see-driver':
      return {
        lines: [
          '乗務員にお知らせください',
          d.fareYen === undefined ? d.reason.ja : `${d.reason.ja} ${yen(d.fareYen)}`,
        ],
        emphasised: true,
        led: 'red',
        ledMs: 5000,
        beep: 'refuse',
      };
  }
}

/** The display between taps. */
export const READY: Presentation = {
  lines: ['カードをタッチしてください', 'Please tap your card'],
  led: 'blue',
};
