/**
 * The write-less counter (書かないワンストップ窓口) as data: the events the flow reacts to, the
 * effects it asks for, and its state. The state machine (machine.ts) is pure; the service
 * (service.ts) performs the effects and feeds their outcomes back as events.
 *
 * Nothing here is personal: persons are `p1`, `p2`… in their case, cards and persons are
 * compared by keyed hashes made per service run, and the values read from a card or the
 * resident record live in the service's vault (vault.ts), never in the state. Secrets (the PIN,
 * 照合番号B) pass through an event into exactly one effect, which uses and zeroes them, or a
 * `discard` effect.
 */
import type { MyNumberOutcome } from '../../shared/contracts/residents.ts';
import type { CounterAuthMethod, STAFF_CHECK_REASONS } from '../../shared/contracts/ui/counter.ts';

import type { AuditDraft } from '../audit/schema.ts';

export type AuthMethod = CounterAuthMethod;

/** A secret typed by a person: ASCII digits, owned by whoever receives it, zeroed after use. */
export type Secret = Uint8Array;

export type PinState =
  { readonly state: 'ready'; readonly triesLeft: number } | { readonly state: 'blocked' };

/** What the service learned about a card before anything needed a credential. */
export interface CardProbe {
  /** Keyed hash of the card key (the JPKI authentication certificate's serial). */
  readonly cardKey: string;
  readonly pin: PinState;
}

/**
 * Why a face authentication did not pass. The first five are the resident's tries; the camera
 * being broken or gone ends face authentication for the card; busy is neither.
 */
export type FaceFailure =
  | 'below-threshold'
  | 'not-live'
  | 'no-face'
  | 'multiple-faces'
  | 'window-elapsed'
  | 'timeout'
  | 'camera-fault'
  | 'camera-unreachable'
  | 'camera-busy';

/** Why staff checked the holder against the card face themselves (recorded, audited). */
export type StaffCheckReason = (typeof STAFF_CHECK_REASONS)[number];

/**
 * Consent to the resident look-up (architecture "Data rules": purpose, scope, time and answer are
 * recorded as data where a flow shares information). The four items read from the card are sent
 * to the municipality's resident register only after the holder agreed; declined, the forms are
 * filled from the card alone.
 */
export const CONSENT_PURPOSE = 'resident-lookup';
/** What is shared for the purpose: the basic four read from the card. */
export const CONSENT_SCOPE = ['name', 'address', 'birth-date', 'sex'] as const;
export type ConsentItem = (typeof CONSENT_SCOPE)[number];
export type ConsentAnswer = 'agreed' | 'declined';

export interface Consent {
  readonly purpose: typeof CONSENT_PURPOSE;
  readonly scope: readonly ConsentItem[];
  readonly answer: ConsentAnswer;
  /** When the holder answered (service clock, epoch ms). */
  readonly at: number;
}

export interface ChosenProcedure {
  readonly id: string;
  /** The persons (p1, p2 …) the procedure's form is for. */
  readonly persons: readonly string[];
}

export type CounterEvent =
  | { readonly type: 'CaseOpened'; readonly caseId: string }
  | { readonly type: 'CardPresent'; readonly reader: string; readonly probe: CardProbe }
  /** A card that is not a usable My Number Card (another card, mute, its probe failed). */
  | { readonly type: 'CardUnusable'; readonly reader: string; readonly code: string }
  | { readonly type: 'CardRemoved'; readonly reader: string }
  | { readonly type: 'MethodChosen'; readonly method: AuthMethod }
  | { readonly type: 'PinEntered'; readonly pin: Secret; readonly confirmLastTry?: boolean }
  | { readonly type: 'CodeBEntered'; readonly codeB: Secret }
  /** The card face was opened with 照合番号B (and, for face authentication, loaded into the camera). */
  | { readonly type: 'FaceReady' }
  /** The camera compared a live face: score 0–1 and liveness; the machine applies the threshold. */
  | { readonly type: 'FaceMatched'; readonly score: number; readonly live: boolean }
  | { readonly type: 'FaceFailed'; readonly reason: FaceFailure }
  | { readonly type: 'StaffCheckRecorded'; readonly reason: StaffCheckReason }
  /** The verified read of `person` is in the vault; `personKey` is the keyed hash of the four items. */
  | { readonly type: 'CardRead'; readonly person: string; readonly personKey: string }
  | { readonly type: 'CardReadFailed'; readonly code: string; readonly triesLeft?: number }
  /** The holder answered the consent screen for the look-up (`at`: when, from the service clock). */
  | {
      readonly type: 'ConsentAnswered';
      readonly person: string;
      readonly answer: ConsentAnswer;
      readonly at: number;
    }
  | {
      readonly type: 'LookupDone';
      readonly person: string;
      readonly outcome: 'found' | 'not-found' | 'ambiguous';
      /** Keyed hash of the resident id, when found. */
      readonly residentKey?: string;
    }
  | { readonly type: 'LookupFailed'; readonly person: string; readonly code: string }
  | { readonly type: 'Offline'; readonly person: string }
  | { readonly type: 'ProceduresChosen'; readonly procedures: readonly ChosenProcedure[] }
  | { readonly type: 'MyNumberSent'; readonly person: string; readonly outcome: MyNumberOutcome }
  | {
      readonly type: 'MyNumberFailed';
      readonly person: string;
      readonly code: string;
      readonly triesLeft?: number;
    }
  /** Staff leave a person's My Number for later (blocked PIN, offline); never typed in instead. */
  | { readonly type: 'MyNumberDeferred'; readonly person: string }
  | {
      readonly type: 'FormsReady';
      readonly forms: number;
      readonly pages: number;
      /** Characters no font has, flagged for staff before printing. */
      readonly problems: number;
    }
  | { readonly type: 'FormsFailed'; readonly code: string }
  | { readonly type: 'ReviewConfirmed'; readonly acknowledgeProblems?: boolean }
  | { readonly type: 'PrintDone' }
  | { readonly type: 'PrintFailed'; readonly code: string }
  | { readonly type: 'Signed' }
  | { readonly type: 'CaseClosed' }
  | { readonly type: 'IdleTimeout' };

export type CounterEventType = CounterEvent['type'];

/** What the machine asks the service to do, in order. */
export type CounterEffect =
  | { readonly kind: 'open-face'; readonly codeB: Secret; readonly forCamera: boolean }
  | { readonly kind: 'capture-face' }
  /** Clear the camera's reference and drop the card face photo. */
  | { readonly kind: 'clear-face' }
  | {
      readonly kind: 'read-card';
      readonly person: string;
      readonly credential: 'pin' | 'code-b';
      /** Only for the PIN; for 照合番号B the service uses the one the card face was opened with. */
      readonly pin?: Secret;
      readonly confirmLastTry: boolean;
    }
  | { readonly kind: 'lookup'; readonly person: string }
  | {
      readonly kind: 'read-my-number';
      readonly person: string;
      readonly pin: Secret;
      readonly confirmLastTry: boolean;
      /** The 個人番号利用事務 procedures it is read for. */
      readonly procedures: readonly string[];
    }
  | { readonly kind: 'fill-forms' }
  | { readonly kind: 'print' }
  /** Forget a card's session: its photo and 照合番号B (zeroed), its camera reference. */
  | { readonly kind: 'end-card-session'; readonly reader: string }
  | { readonly kind: 'wipe-person'; readonly person: string }
  | { readonly kind: 'wipe-case' }
  | { readonly kind: 'discard'; readonly secret: Secret }
  | { readonly kind: 'audit'; readonly entry: Omit<AuditDraft, 'caseId'> };

export type Phase =
  | 'idle'
  | 'awaiting-card'
  | 'choosing-method'
  | 'pin-entry'
  | 'code-b-entry'
  | 'opening-face'
  | 'face-capturing'
  | 'face-retry'
  | 'staff-check'
  | 'reading'
  | 'consent'
  | 'looking-up'
  | 'person-ready'
  | 'my-number'
  | 'reading-my-number'
  | 'filling-forms'
  | 'review'
  | 'printing'
  | 'print-failed'
  | 'awaiting-signature'
  | 'signed';

export type LookupStatus =
  | 'awaiting-consent'
  | 'declined'
  | 'running'
  | 'found'
  | 'not-found'
  | 'ambiguous'
  | 'offline'
  | 'failed';

/** Where a person's My Number stands; `pending` is shown on the form and kept in the case. */
export type MyNumberStatus = 'not-needed' | 'needed' | 'pending' | MyNumberOutcome;

export interface Person {
  readonly id: string;
  readonly cardKey: string;
  readonly personKey: string;
  readonly method: AuthMethod;
  readonly staffReason?: StaffCheckReason;
  readonly lookup: LookupStatus;
  readonly residentKey?: string;
  readonly myNumber: MyNumberStatus;
  /** The answer to the look-up consent, once given. */
  readonly consent?: Consent;
}

/** The card on the reader and how far its holder got. */
export interface Attempt {
  readonly reader: string;
  readonly cardKey: string;
  /** The person this card becomes (a new one), or the one whose My Number it gives. */
  readonly person: string;
  readonly purpose: 'new-person' | 'my-number';
  readonly pin: PinState;
  /** The PIN was offered (the holder may then decline it for the staff check). */
  readonly pinOffered: boolean;
  readonly faceTries: number;
  /** The camera is broken or gone, or 照合番号B cannot be used: no face authentication. */
  readonly faceUnavailable: boolean;
  /** The card face is open with 照合番号B (the read after a face match or staff check needs it). */
  readonly faceReady: boolean;
  readonly method?: AuthMethod;
  readonly staffReason?: StaffCheckReason;
  /** The verified read is done (what the card gave is in the vault). */
  readonly read: boolean;
}

export type NoticeCode =
  | 'not-a-my-number-card'
  | 'same-card-twice'
  | 'same-person-twice'
  | 'one-card-at-a-time'
  | 'household-full'
  | 'card-removed'
  | 'card-swapped'
  | 'card-not-genuine'
  | 'read-failed'
  | 'pin-wrong'
  | 'pin-invalid'
  | 'confirm-last-try'
  | 'pin-blocked'
  | 'code-b-wrong'
  | 'code-b-needed'
  | 'face-failed'
  | 'face-limit'
  | 'camera-unavailable'
  | 'staff-check-not-yet'
  | 'lookup-pending'
  | 'lookup-declined'
  | 'lookup-not-found'
  | 'lookup-ambiguous'
  | 'procedures-invalid'
  | 'place-card'
  | 'wrong-card-for-person'
  | 'my-number-pending'
  | 'forms-failed'
  | 'glyph-problems'
  | 'print-failed'
  | 'not-now';

export interface Notice {
  readonly code: NoticeCode;
  readonly triesLeft?: number;
  readonly person?: string;
  /** The error code behind it, when there is one (`reader/pin-wrong`, `print/paper-out` …). */
  readonly cause?: string;
}

export interface CounterState {
  readonly phase: Phase;
  readonly caseId?: string;
  readonly persons: readonly Person[];
  readonly attempt?: Attempt;
  readonly procedures: readonly ChosenProcedure[];
  /** Persons whose My Number is still to be read, in order. */
  readonly myNumberQueue: readonly string[];
  readonly forms?: { readonly forms: number; readonly pages: number; readonly problems: number };
  readonly notice?: Notice;
}

/** What the machine needs from the config and the municipality's procedure list. */
export interface CounterPolicy {
  /** A face match passes at this score (0–1) or above, with liveness. */
  readonly faceThreshold: number;
  /** Face tries per card before the PIN is offered instead. */
  readonly faceAttempts: number;
  /** Known procedures; `myNumberUse`: 個人番号利用事務 (the My Number is read for it). */
  readonly procedures: ReadonlyMap<string, { readonly myNumberUse: boolean }>;
  /** Persons in one household case. */
  readonly maxPersons: number;
  /** A face camera is fitted (whether it answers is learnt when it is used). */
  readonly faceCamera: boolean;
}

export const INITIAL_STATE: CounterState = {
  phase: 'idle',
  persons: [],
  procedures: [],
  myNumberQueue: [],
};
