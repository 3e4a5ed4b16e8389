/**
 * The SIP2 messages Kazasu speaks, as data: for each command, its fixed-length fields in order
 * and its variable-length fields by id (SIP2 Guide, one section per message; field ids as in
 * its "Field identifiers" table). The codec (codec.ts) is driven by this table, and the message
 * types are derived from it, so a field added here is encoded, decoded and typed at once.
 */

/** Y, N or U (unknown): magnetic media, desensitize. */
export type Tristate = 'Y' | 'N' | 'U';

export type FixedKind =
  /** `Y` / `N` → boolean. */
  | { readonly kind: 'flag' }
  /** `1` / `0` → boolean (the "ok" fields). */
  | { readonly kind: 'bit' }
  | { readonly kind: 'tri' }
  /** 18 characters, kept as text (dates.ts reads and writes them). */
  | { readonly kind: 'date' }
  /** Digits, or blanks for "not known" (null). */
  | { readonly kind: 'count'; readonly width: number }
  | { readonly kind: 'text'; readonly width: number; readonly chars: RegExp };

export interface FieldSpec {
  readonly id: string;
  readonly required?: true;
  /** May appear several times (lists of items, screen messages). */
  readonly repeat?: true;
}

export interface MessageSpec {
  readonly name: string;
  readonly fixed: readonly (readonly [string, FixedKind])[];
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

const flag = { kind: 'flag' } as const;
const bit = { kind: 'bit' } as const;
const tri = { kind: 'tri' } as const;
const date = { kind: 'date' } as const;
const count = <W extends number>(width: W) => ({ kind: 'count', width }) as const;
const text = <W extends number>(width: W, chars: RegExp) =>
  ({ kind: 'text', width, chars }) as const;
const printable = (width: number): RegExp => new RegExp(`^[\\x20-\\x7e]{${width}}$`);
const digits = (width: number): RegExp => new RegExp(`^\\d{${width}}$`);

const req = (id: string) => ({ id, required: true }) as const;
const opt = (id: string) => ({ id }) as const;
const many = (id: string) => ({ id, repeat: true }) as const;
const screen = { screenMessage: many('AF'), printLine: many('AG') } as const;

/**
 * Checkout Response (12) and Renew Response (30) have the same fixed fields and fields
 * (SIP2 2.00 §"Checkout Response", §"Renew Response").
 */
const CHECKOUT_LIKE_RESPONSE = {
  fixed: [
    ['ok', bit],
    ['renewalOk', flag],
    ['magneticMedia', tri],
    ['desensitize', tri],
    ['transactionDate', date],
  ],
  fields: {
    institutionId: req('AO'),
    patronId: req('AA'),
    itemId: req('AB'),
    titleId: opt('AJ'),
    dueDate: opt('AH'),
    feeType: opt('BT'),
    securityInhibit: opt('CI'),
    currencyType: opt('BH'),
    feeAmount: opt('BV'),
    mediaType: opt('CK'),
    itemProperties: opt('CH'),
    transactionId: opt('BK'),
    ...screen,
  },
} as const;

export const MESSAGES = {
  '93': {
    name: 'Login',
    fixed: [
      ['uidAlgorithm', text(1, printable(1))],
      ['pwdAlgorithm', text(1, printable(1))],
    ],
    fields: { loginUserId: req('CN'), loginPassword: req('CO'), locationCode: opt('CP') },
  },
  '94': { name: 'Login Response', fixed: [['ok', bit]], fields: {} },
  '99': {
    name: 'SC Status',
    fixed: [
      ['statusCode', text(1, /^[012]$/)],
      ['maxPrintWidth', count(3)],
      ['protocolVersion', text(4, /^\d\.\d\d$/)],
    ],
    fields: {},
  },
  '98': {
    name: 'ACS Status',
    fixed: [
      ['onlineStatus', flag],
      ['checkinOk', flag],
      ['checkoutOk', flag],
      ['acsRenewalPolicy', flag],
      ['statusUpdateOk', flag],
      ['offlineOk', flag],
      ['timeoutPeriod', count(3)],
      ['retriesAllowed', count(3)],
      ['dateTimeSync', date],
      ['protocolVersion', text(4, /^\d\.\d\d$/)],
    ],
    fields: {
      institutionId: req('AO'),
      libraryName: opt('AM'),
      supportedMessages: opt('BX'),
      terminalLocation: opt('AN'),
      ...screen,
    },
  },
  '63': {
    name: 'Patron Information',
    fixed: [
      ['language', text(3, digits(3))],
      ['transactionDate', date],
      ['summary', text(10, printable(10))],
    ],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      terminalPassword: opt('AC'),
      patronPassword: opt('AD'),
      startItem: opt('BP'),
      endItem: opt('BQ'),
    },
  },
  '64': {
    name: 'Patron Information Response',
    fixed: [
      ['patronStatus', text(14, printable(14))],
      ['language', text(3, digits(3))],
      ['transactionDate', date],
      ['holdItemsCount', count(4)],
      ['overdueItemsCount', count(4)],
      ['chargedItemsCount', count(4)],
      ['fineItemsCount', count(4)],
      ['recallItemsCount', count(4)],
      ['unavailableHoldsCount', count(4)],
    ],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      personalName: opt('AE'),
      holdItemsLimit: opt('BZ'),
      overdueItemsLimit: opt('CA'),
      chargedItemsLimit: opt('CB'),
      validPatron: opt('BL'),
      validPatronPassword: opt('CQ'),
      currencyType: opt('BH'),
      feeAmount: opt('BV'),
      feeLimit: opt('CC'),
      holdItems: many('AS'),
      overdueItems: many('AT'),
      chargedItems: many('AU'),
      fineItems: many('AV'),
      recallItems: many('BU'),
      unavailableHoldItems: many('CD'),
      homeAddress: opt('BD'),
      emailAddress: opt('BE'),
      homePhone: opt('BF'),
      ...screen,
    },
  },
  '23': {
    name: 'Patron Status Request',
    fixed: [
      ['language', text(3, digits(3))],
      ['transactionDate', date],
    ],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      terminalPassword: opt('AC'),
      patronPassword: opt('AD'),
    },
  },
  '24': {
    name: 'Patron Status Response',
    fixed: [
      ['patronStatus', text(14, printable(14))],
      ['language', text(3, digits(3))],
      ['transactionDate', date],
    ],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      personalName: opt('AE'),
      validPatron: opt('BL'),
      validPatronPassword: opt('CQ'),
      currencyType: opt('BH'),
      feeAmount: opt('BV'),
      ...screen,
    },
  },
  '11': {
    name: 'Checkout',
    fixed: [
      ['scRenewalPolicy', flag],
      ['noBlock', flag],
      ['transactionDate', date],
      ['nbDueDate', date],
    ],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      itemId: req('AB'),
      terminalPassword: opt('AC'),
      itemProperties: opt('CH'),
      patronPassword: opt('AD'),
      feeAcknowledged: opt('BO'),
      cancel: opt('BI'),
    },
  },
  '12': { name: 'Checkout Response', ...CHECKOUT_LIKE_RESPONSE },
  '09': {
    name: 'Checkin',
    fixed: [
      ['noBlock', flag],
      ['transactionDate', date],
      ['returnDate', date],
    ],
    fields: {
      currentLocation: opt('AP'),
      institutionId: req('AO'),
      itemId: req('AB'),
      terminalPassword: opt('AC'),
      itemProperties: opt('CH'),
      cancel: opt('BI'),
    },
  },
  '10': {
    name: 'Checkin Response',
    fixed: [
      ['ok', bit],
      ['resensitize', flag],
      ['magneticMedia', tri],
      ['alert', flag],
      ['transactionDate', date],
    ],
    fields: {
      institutionId: req('AO'),
      itemId: req('AB'),
      permanentLocation: opt('AQ'),
      titleId: opt('AJ'),
      sortBin: opt('CL'),
      patronId: opt('AA'),
      mediaType: opt('CK'),
      itemProperties: opt('CH'),
      ...screen,
    },
  },
  '17': {
    name: 'Item Information',
    fixed: [['transactionDate', date]],
    fields: { institutionId: req('AO'), itemId: req('AB'), terminalPassword: opt('AC') },
  },
  '18': {
    name: 'Item Information Response',
    fixed: [
      ['circulationStatus', text(2, digits(2))],
      ['securityMarker', text(2, digits(2))],
      ['feeType', text(2, digits(2))],
      ['transactionDate', date],
    ],
    fields: {
      holdQueueLength: opt('CF'),
      dueDate: opt('AH'),
      recallDate: opt('CJ'),
      holdPickupDate: opt('CM'),
      itemId: req('AB'),
      titleId: opt('AJ'),
      owner: opt('BG'),
      currencyType: opt('BH'),
      feeAmount: opt('BV'),
      mediaType: opt('CK'),
      permanentLocation: opt('AQ'),
      currentLocation: opt('AP'),
      itemProperties: opt('CH'),
      ...screen,
    },
  },
  '29': {
    name: 'Renew',
    fixed: [
      ['thirdPartyAllowed', flag],
      ['noBlock', flag],
      ['transactionDate', date],
      ['nbDueDate', date],
    ],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      patronPassword: opt('AD'),
      itemId: opt('AB'),
      titleId: opt('AJ'),
      terminalPassword: opt('AC'),
      itemProperties: opt('CH'),
      feeAcknowledged: opt('BO'),
    },
  },
  '30': { name: 'Renew Response', ...CHECKOUT_LIKE_RESPONSE },
  '35': {
    name: 'End Patron Session',
    fixed: [['transactionDate', date]],
    fields: {
      institutionId: req('AO'),
      patronId: req('AA'),
      terminalPassword: opt('AC'),
      patronPassword: opt('AD'),
    },
  },
  '36': {
    name: 'End Session Response',
    fixed: [
      ['endSession', flag],
      ['transactionDate', date],
    ],
    fields: { institutionId: req('AO'), patronId: req('AA'), ...screen },
  },
  /** Request SC Resend: the ACS could not read our last message (bad checksum). */
  '96': { name: 'Request SC Resend', fixed: [], fields: {} },
  /** Request ACS Resend: we could not read its last message. */
  '97': { name: 'Request ACS Resend', fixed: [], fields: {} },
} as const satisfies Readonly<Record<string, MessageSpec>>;

type Specs = typeof MESSAGES;
export type MessageCode = keyof Specs;

type FixedValue<K> = K extends { kind: 'flag' | 'bit' }
  ? boolean
  : K extends { kind: 'tri' }
    ? Tristate
    : K extends { kind: 'count' }
      ? number | null
      : string;
type FixedOf<F extends readonly (readonly [string, FixedKind])[]> = {
  readonly [E in F[number] as E[0]]: FixedValue<E[1]>;
};
type RequiredKeys<F> = { [K in keyof F]: F[K] extends { required: true } ? K : never }[keyof F];
type FieldValue<S> = S extends { repeat: true } ? readonly string[] : string;
type FieldsOf<F> = { readonly [K in RequiredKeys<F>]: string } & {
  readonly [K in Exclude<keyof F, RequiredKeys<F>>]?: FieldValue<F[K]>;
};
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A field id this table does not know, kept as it came (SIP2 allows extensions). */
export type ExtraField = readonly [id: string, value: string];

export type MessageOf<C extends MessageCode> = Simplify<
  { readonly code: C } & FixedOf<Specs[C]['fixed']> &
    FieldsOf<Specs[C]['fields']> & { readonly extra?: readonly ExtraField[] }
>;

export type AnyMessage = { [C in MessageCode]: MessageOf<C> }[MessageCode];

/** Which response answers which request. */
export const RESPONSE_TO = {
  '93': '94',
  '99': '98',
  '63': '64',
  '23': '24',
  '11': '12',
  '09': '10',
  '17': '18',
  '29': '30',
  '35': '36',
} as const;
export type RequestCode = keyof typeof RESPONSE_TO;
export type ResponseCode = (typeof RESPONSE_TO)[RequestCode];
export type RequestMessage = { [C in RequestCode]: MessageOf<C> }[RequestCode];
export type ResponseMessage = { [C in ResponseCode]: MessageOf<C> }[ResponseCode];
export type ResponseOf<C extends RequestCode> = MessageOf<(typeof RESPONSE_TO)[C]>;

export function isMessageCode(code: string): code is MessageCode {
  return Object.hasOwn(MESSAGES, code);
}

export function isRequestCode(code: string): code is RequestCode {
  return Object.hasOwn(RESPONSE_TO, code);
}
