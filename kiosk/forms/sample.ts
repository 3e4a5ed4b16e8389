/**
 * A fictional household at the Kitami counter, for tests, the benchmark and demos. The names
 * exercise what real registers hold: 邉 with an IVS the MJ font has (U+9089 U+E0110, a glyph
 * only IPAmj Mincho carries), 𠮷 outside the BMP (U+20BB7, a surrogate pair in UTF-16), and 髙.
 * Birth dates sit on era boundaries (昭和64年1月7日, 平成元年1月8日, 令和元年5月1日).
 */
import type { CaseData, CasePerson, ResidentLookup } from '../../shared/contracts/forms.ts';

export const SAMPLE_MUNICIPALITY = '012084';
export const SAMPLE_NAMES = {
  applicant: '渡邉\u{E0110}　健太',
  spouse: '渡邉\u{E0110}　𠮷美',
  child: '渡邉\u{E0110}　髙志',
} as const;
/** Names every Japanese font has (JIS X 0208 level 1). */
export const PLAIN_NAMES = {
  applicant: '山田　太郎',
  spouse: '山田　花子',
  child: '山田　健一',
} as const;
export const SAMPLE_CARD_ADDRESS = '東京都練馬区豊玉北６丁目１２番１号';
export const SAMPLE_NEW_ADDRESS = '北海道北見市高栄西町１０丁目３番地２５';
export const SAMPLE_FORMS = [
  'juminhyo-request',
  'moving-in',
  'seal-registration',
  'nhi-enrolment',
] as const;

export interface SampleOptions {
  /** No backend: every resident look-up is pending (照会中 on the forms). */
  readonly offline?: boolean;
  /** The applicant's name instead of SAMPLE_NAMES.applicant. */
  readonly applicantName?: string;
  /** Every name of the household (a plain household for benchmarks: PLAIN_NAMES). */
  readonly names?: { readonly applicant: string; readonly spouse: string; readonly child: string };
  readonly forms?: readonly string[];
}

export function sampleCase(options: SampleOptions = {}): CaseData {
  const found = (record: Extract<ResidentLookup, { state: 'found' }>['record']): ResidentLookup =>
    options.offline ? { state: 'pending' } : { state: 'found', record };
  const card = (name: string, birthDate: string, sex: 'male' | 'female') => ({
    name,
    address: SAMPLE_CARD_ADDRESS,
    birthDate,
    sex,
  });
  const names = options.names ?? SAMPLE_NAMES;
  const applicantName = options.applicantName ?? names.applicant;
  const persons: CasePerson[] = [
    {
      personId: 'p1',
      card: card(applicantName, '1989-01-07', 'male'),
      resident: found({
        nameKana: 'ワタナベ　ケンタ',
        householderName: applicantName,
        relationship: '世帯主',
        address: SAMPLE_NEW_ADDRESS,
        phone: '0157-23-4567',
      }),
    },
    {
      personId: 'p2',
      card: card(names.spouse, '1989-01-08', 'female'),
      resident: { state: 'pending' },
    },
    {
      personId: 'p3',
      card: card(names.child, '2019-05-01', 'male'),
      resident: found({ nameKana: 'ワタナベ　タカシ', relationship: '子' }),
    },
  ];
  return {
    municipality: SAMPLE_MUNICIPALITY,
    caseDate: '2026-12-01',
    applicantId: 'p1',
    persons,
    staff: {
      relation: '本人',
      certificate: '住民票の写し（世帯全員）',
      copies: '2',
      items: '続柄・世帯主',
      purpose: '年金の手続き',
      'move-date': '2026-11-28',
      'new-address': SAMPLE_NEW_ADDRESS,
      'new-householder': applicantName,
      phone: '0157-23-4567',
      reason: '転入',
      'acquired-on': '2026-11-28',
      'previous-insurance': '全国健康保険協会',
    },
    forms: (options.forms ?? SAMPLE_FORMS).map((formId) =>
      formId === 'seal-registration' ? { formId, personIds: ['p1'] } : { formId },
    ),
  };
}
