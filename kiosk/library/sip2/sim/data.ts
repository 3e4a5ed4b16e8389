/**
 * The simulated library's holdings and patrons: fictitious people and well-known public-domain
 * titles, chosen so that every path of a checkout has a case (available, on hold for someone
 * else, on loan to someone else, lost, blocked patron, lost card, loan limit, fines).
 */
export type SimBlock = 'fines' | 'card-lost' | 'expired';

export interface SimPatron {
  /** The library card barcode (SIP2 AA). */
  readonly id: string;
  readonly name: string;
  readonly password?: string;
  readonly block?: SimBlock;
  readonly finesYen?: number;
  /** Items this patron may have on loan at once. */
  readonly loanLimit?: number;
}

export interface SimItem {
  readonly id: string;
  readonly title: string;
  /** On the hold shelf for this patron. */
  readonly holdFor?: string;
  /** On loan to this patron when the simulator starts. */
  readonly onLoanTo?: string;
  readonly status?: 'lost' | 'missing';
}

export interface SimLibraryData {
  readonly institutionId: string;
  readonly libraryName: string;
  readonly loanDays: number;
  readonly defaultLoanLimit: number;
  /** Terminal credentials the simulator expects in 93; none: any login is accepted. */
  readonly login?: { readonly userId: string; readonly password: string };
  readonly patrons: readonly SimPatron[];
  readonly items: readonly SimItem[];
}

/** Barcodes the demo and tests use by name. */
export const SIM = {
  institution: 'kazasu-lib',
  patrons: {
    ok: 'L0001',
    fines: 'L0002',
    cardLost: 'L0003',
    atLimit: 'L0004',
    second: 'L0005',
  },
  items: {
    cat: '3000000001',
    botchan: '3000000002',
    kokoro: '3000000003',
    nightTrain: '3000000004',
    melos: '3000000005',
    rashomon: '3000000006',
    unknown: '3999999999',
  },
  login: { userId: 'kiosk-01', password: 'sip-secret' },
} as const;

export function defaultLibraryData(extraItems = 0): SimLibraryData {
  const p = SIM.patrons;
  const i = SIM.items;
  const items: SimItem[] = [
    { id: i.cat, title: '吾輩は猫である / 夏目漱石' },
    { id: i.botchan, title: '坊っちゃん / 夏目漱石' },
    { id: i.kokoro, title: 'こころ / 夏目漱石', holdFor: p.second },
    { id: i.nightTrain, title: '銀河鉄道の夜 / 宮沢賢治', onLoanTo: p.atLimit },
    { id: i.melos, title: '走れメロス / 太宰治', status: 'lost' },
    { id: i.rashomon, title: '羅生門 / 芥川龍之介' },
    { id: '3000000007', title: '舞姫 / 森鴎外', onLoanTo: p.atLimit },
  ];
  for (let n = 0; n < extraItems; n += 1) {
    items.push({ id: `31${String(n).padStart(8, '0')}`, title: `図書館の本 ${n + 1}` });
  }
  return {
    institutionId: SIM.institution,
    libraryName: 'かざす市立中央図書館',
    loanDays: 14,
    defaultLoanLimit: 10,
    login: SIM.login,
    patrons: [
      { id: p.ok, name: '図書 花子' },
      { id: p.fines, name: '延滞 太郎', block: 'fines', finesYen: 1200 },
      { id: p.cardLost, name: '紛失 次郎', block: 'card-lost' },
      { id: p.atLimit, name: '上限 三郎', loanLimit: 2 },
      { id: p.second, name: '予約 四季' },
    ],
    items,
  };
}
