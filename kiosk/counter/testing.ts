/**
 * Fakes of the counter's outer ports for unit tests (style.md: in-process fakes beside the code;
 * integration tests use the real backend, pcscd and a pty instead): a resident register in
 * memory and forms that record what they were asked to fill.
 */
import type { CaseData } from '../../shared/contracts/forms.ts';
import {
  normaliseAddress,
  normaliseName,
  type LookupRequest,
  type LookupResponse,
  type MyNumberRequest,
  type MyNumberResponse,
  type ResidentRecord,
} from '../../shared/contracts/residents.ts';
import { loadCaKeyFile } from '../../reader/mynumber/trust.ts';
import type { CounterForms, PreparedForms, PrintOutcome, ProcedureInfo } from './forms-port.ts';
import type { Answer, ResidentService } from './residents-client.ts';
import type { CounterServiceOptions } from './service.ts';

/**
 * The CounterService settings the unit tests share: Kitami's municipality code, the simulated
 * cards' CV CA keys, three face tries at 0.8, and a two-minute idle timeout.
 */
export const TEST_COUNTER_SETTINGS = {
  policy: { faceThreshold: 0.8, faceAttempts: 3, maxPersons: 6 },
  municipalityCode: '012084',
  caKeys: loadCaKeyFile('reader/sim/profiles/sim-cv-ca-keys.json'),
  acceptTestCards: true,
  idleTimeoutMs: 120_000,
} satisfies Partial<CounterServiceOptions>;

/** The default simulated card's holder as the resident register holds him (two in the household). */
export const MIKIYA_RECORD: ResidentRecord = {
  residentId: '0001001',
  name: '黒桐 幹也',
  nameKana: 'コクトウ ミキヤ',
  birthDate: '1980-02-17',
  sex: 'male',
  address: '東京都清瀬市観布子南12-7-202',
  householdId: 'H0001',
  householderName: '黒桐 幹也',
  relationship: '世帯主',
  householdSize: 2,
};

const key = (q: LookupRequest): string =>
  [normaliseName(q.name), q.birthDate, q.sex, normaliseAddress(q.address)].join('|');

export class FakeResidents implements ResidentService {
  offline = false;
  readonly lookups: LookupRequest[] = [];
  readonly myNumbers: MyNumberRequest[] = [];
  private readonly records = new Map<string, ResidentRecord>();

  constructor(
    records: readonly ResidentRecord[] = [],
    private readonly numbers: Readonly<Record<string, string>> = {},
  ) {
    for (const r of records) this.records.set(key(r), r);
  }

  lookup(q: LookupRequest): Promise<Answer<LookupResponse>> {
    this.lookups.push(q);
    if (this.offline)
      return Promise.resolve({ ok: false, offline: true, code: 'sync/unreachable' });
    const r = this.records.get(key(q));
    return Promise.resolve({
      ok: true,
      value: r
        ? { outcome: 'found', resident: r, serverTime: 1 }
        : { outcome: 'not-found', serverTime: 1 },
    });
  }

  checkMyNumber(q: MyNumberRequest): Promise<Answer<MyNumberResponse>> {
    this.myNumbers.push(q);
    if (this.offline)
      return Promise.resolve({ ok: false, offline: true, code: 'sync/unreachable' });
    const known = this.numbers[q.residentId];
    const outcome =
      known === undefined ? 'no-record' : known === q.myNumber ? 'matches' : 'differs';
    return Promise.resolve({ ok: true, value: { outcome, serverTime: 1 } });
  }
}

export class FakeForms implements CounterForms {
  readonly cases: CaseData[] = [];
  readonly printedPdfs: number[] = [];
  /** Blocking preflight flags the next prepare reports. */
  missingGlyphs = 0;
  printResult: PrintOutcome = { ok: true, jobId: 'job-1' };

  constructor(
    private readonly list: readonly ProcedureInfo[] = [
      { id: 'juminhyo-request', title: '住民票の写し等交付請求書', myNumberUse: false },
      { id: 'moving-in', title: '住民異動届（転入）', myNumberUse: false },
      { id: 'seal-registration', title: '印鑑登録申請書', myNumberUse: false },
      { id: 'nhi-enrolment', title: '国民健康保険 資格取得届', myNumberUse: true },
    ],
  ) {}

  procedures(): readonly ProcedureInfo[] {
    return this.list;
  }

  prepare(data: CaseData): Promise<PreparedForms> {
    this.cases.push(data);
    const flags = Array.from({ length: this.missingGlyphs }, (_, i) => ({
      id: `flag-${i}`,
      kind: 'missing-glyph' as const,
      needsAcceptance: true,
      formId: data.forms[0]?.formId ?? 'x',
      sheet: 1,
      fieldId: 'name',
      label: '氏名',
    }));
    return Promise.resolve({ forms: [], flags, pages: data.forms.length });
  }

  render(prepared: PreparedForms): Promise<Uint8Array> {
    return Promise.resolve(new TextEncoder().encode(`%PDF-1.7 ${prepared.pages}`));
  }

  print(pdf: Uint8Array): Promise<PrintOutcome> {
    this.printedPdfs.push(pdf.length);
    return Promise.resolve(this.printResult);
  }
}
