import { KazasuError } from '../../shared/errors.ts';

/** Failures of the counter flow's own checks. Stable codes; the flow turns them into notices. */
export type CounterErrorCode =
  | 'counter/not-genuine' // the card's data was read but not proven genuine (certificate, integrity, presence)
  | 'counter/person-mismatch' // a card read for a person gave someone else's four items
  | 'counter/no-resident-record' // the My Number cannot be checked: the person has no resident record
  | 'counter/demo-backend' // the demo's reference backend could not be started
  | 'counter/demo-stuck'; // the demo's scripted flow did not reach the next step in time

export class CounterError extends KazasuError<CounterErrorCode> {}
