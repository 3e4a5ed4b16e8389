import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { COUNTER_STRINGS } from './views/counter-text.ts';
import { LIBRARY_STRINGS } from './views/library-text.ts';

/**
 * Japanese first, English on a switch (issue 8). Strings live here by key so a screen never
 * mixes languages by accident; texts that come from the service (fare reasons, categories)
 * arrive bilingual and are picked with `pick`.
 */
export type Lang = 'ja' | 'en';

const STRINGS = {
  ...COUNTER_STRINGS, // the counter's labels (keys start with ctr)
  ...LIBRARY_STRINGS, // the self-checkout's labels (keys start with lib)
  appName: { ja: 'かざす', en: 'Kazasu' },
  switchLang: { ja: 'English', en: '日本語' },
  connecting: { ja: 'サービスに接続しています…', en: 'Connecting to the service…' },
  disconnected: {
    ja: 'サービスとの接続が切れました。再接続しています。',
    en: 'Lost the connection to the service. Reconnecting.',
  },
  roleCounter: { ja: '窓口', en: 'Counter' },
  roleLibrary: { ja: '図書館', en: 'Library' },
  roleValidator: { ja: 'バス', en: 'Bus' },
  status: { ja: '状態', en: 'Status' },
  home: { ja: 'ホーム', en: 'Home' },
  demoMode: { ja: 'デモ（模擬機器）', en: 'Demo (simulated devices)' },
  tapYourCard: { ja: 'カードをタッチしてください', en: 'Please tap your card' },
  fare: { ja: '運賃', en: 'Fare' },
  discount: { ja: '割引', en: 'Discount' },
  ridesLeft: { ja: '助成の残り回数', en: 'Subsidised rides left' },
  staleData: { ja: 'データ更新待ち', en: 'Data out of date' },
  route: { ja: '路線', en: 'Route' },
  stop: { ja: '乗車停留所', en: 'Boarding stop' },
  readers: { ja: 'カードリーダー', en: 'Card readers' },
  devices: { ja: '周辺機器', en: 'Devices' },
  datasets: { ja: 'データ', en: 'Datasets' },
  outbox: { ja: '未送信の記録', en: 'Outbox' },
  lastSync: { ja: '最終同期', en: 'Last sync' },
  never: { ja: 'なし', en: 'never' },
  cardPresent: { ja: 'カードあり', en: 'card present' },
  noCard: { ja: 'カードなし', en: 'no card' },
  version: { ja: '版', en: 'version' },
  rows: { ja: '件数', en: 'rows' },
  age: { ja: '経過', en: 'age' },
  pending: { ja: '件', en: 'pending' },
  rejected: { ja: '拒否', en: 'rejected' },
  simulator: { ja: '模擬機器の操作', en: 'Simulated devices' },
  placeCard: { ja: 'カードを置く', en: 'Place card' },
  removeCard: { ja: 'カードを外す', en: 'Remove card' },
  pullCard: { ja: '読み取り中に抜く', en: 'Pull during read' },
  chooseRole: { ja: '端末の役割を選んでください', en: 'Choose the device role' },
  stateOk: { ja: '正常', en: 'OK' },
  stateUnreachable: { ja: '応答なし', en: 'Not answering' },
  stateClosed: { ja: '未接続', en: 'Disconnected' },
  stateAbsent: { ja: '未設置', en: 'Not fitted' },
  stateError: { ja: '異常', en: 'Error' },
  up: { ja: '稼働中', en: 'up' },
  down: { ja: '停止', en: 'down' },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

interface I18n {
  readonly lang: Lang;
  readonly setLang: (lang: Lang) => void;
  readonly t: (key: StringKey) => string;
  readonly pick: (text: { readonly ja: string; readonly en: string }) => string;
}

const Ctx = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }): ReactNode {
  const [lang, setLang] = useState<Lang>('ja');
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (l) => {
        document.documentElement.lang = l;
        setLang(l);
      },
      t: (key) => STRINGS[key][lang],
      pick: (text) => text[lang],
    }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
