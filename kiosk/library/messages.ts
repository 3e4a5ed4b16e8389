/**
 * What the patron reads, in plain Japanese (やさしい日本語: short sentences, common words, kana
 * where a kanji is hard) and in English. Every outcome of the flow has a code here; the screen
 * and the receipt use the same words. Pure.
 */
import type { CheckoutRefusal, IdentifyRefusal } from './types.ts';

export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

export type NoticeCode =
  | 'ready'
  | 'identifying'
  | 'welcome'
  | 'welcome-offline'
  | 'checking-out'
  | 'checked-out'
  | 'stored-offline'
  | 'already-scanned'
  | 'own-card'
  | 'finish-first'
  | 'goodbye'
  | 'receipt-printing'
  | 'receipt-failed-paper'
  | 'receipt-failed'
  | 'no-receipt'
  | 'printer-unavailable';

export type MessageCode = NoticeCode | CheckoutRefusal | IdentifyRefusal;

export const TEXT: Readonly<Record<MessageCode, Bilingual>> = {
  ready: {
    ja: '図書館カードを読み取ってください',
    en: 'Please scan your library card',
  },
  identifying: { ja: 'しらべています…', en: 'Checking…' },
  welcome: {
    ja: '本のバーコードを読み取ってください',
    en: 'Please scan the barcode of each book',
  },
  'welcome-offline': {
    ja: 'いまは図書館のシステムにつながりません。このまま借りることができます',
    en: 'The library system is not reachable. You can still borrow',
  },
  'checking-out': { ja: '手続きをしています…', en: 'Checking out…' },
  'checked-out': { ja: '借りました', en: 'Checked out' },
  'stored-offline': {
    ja: '借りました（あとで図書館のシステムに登録します）',
    en: 'Checked out (it will be recorded when the library system is back)',
  },
  'already-scanned': { ja: 'この本はもう読み取りました', en: 'This book is already scanned' },
  'own-card': { ja: '本のバーコードを読み取ってください', en: 'Please scan a book, not your card' },
  'finish-first': {
    ja: 'いまの手続きを「終了」してから、ほかのカードを使ってください',
    en: 'Please finish this session before using another card',
  },
  goodbye: { ja: 'ご利用ありがとうございました', en: 'Thank you' },
  'receipt-printing': { ja: 'レシートを印刷しています', en: 'Printing your receipt' },
  'receipt-failed-paper': {
    ja: 'レシートの紙がありません。本は借りています。返す日はカウンターで聞いてください',
    en: 'The receipt printer is out of paper. Your books are checked out; ask at the desk for the due dates',
  },
  'receipt-failed': {
    ja: 'レシートを印刷できません。本は借りています',
    en: 'The receipt could not be printed. Your books are checked out',
  },
  'no-receipt': {
    ja: '返す日を画面で確かめてください',
    en: 'Please note the due dates on the screen',
  },
  'printer-unavailable': {
    ja: 'いまはレシートを印刷できません',
    en: 'Receipts cannot be printed at the moment',
  },
  // checkout refusals
  'unknown-item': {
    ja: 'この本は登録されていません。カウンターに持ってきてください',
    en: 'This item is not in the catalogue. Please take it to the desk',
  },
  'on-hold': {
    ja: 'この本はほかの人が予約しています。カウンターでたずねてください',
    en: 'This item is on hold for someone else. Please ask at the desk',
  },
  'on-loan': {
    ja: 'この本は貸出中の記録があります。カウンターに持ってきてください',
    en: 'This item is recorded as on loan. Please take it to the desk',
  },
  'lost-or-missing': {
    ja: 'この本はカウンターで手続きしてください',
    en: 'Please take this item to the desk',
  },
  limit: { ja: '借りられる数をこえています', en: 'You have reached your loan limit' },
  'patron-blocked': {
    ja: 'いまは借りることができません。カウンターでたずねてください',
    en: 'You cannot borrow at the moment. Please ask at the desk',
  },
  refused: {
    ja: 'この本は借りられません。カウンターでたずねてください',
    en: 'This item cannot be checked out here. Please ask at the desk',
  },
  'offline-limit': {
    ja: 'いまは、これ以上借りられません（図書館のシステムにつながらないため）',
    en: 'No more items while the library system is unreachable',
  },
  'offline-unavailable': {
    ja: 'いまは借りることができません。カウンターでたずねてください',
    en: 'Checkout is not available at the moment. Please ask at the desk',
  },
  'invalid-barcode': {
    ja: '本のバーコードではありません',
    en: 'This is not a library barcode',
  },
  'system-error': {
    ja: 'うまくいきませんでした。カウンターでたずねてください',
    en: 'Something went wrong. Please ask at the desk',
  },
  // identification refusals
  'unknown-patron': {
    ja: 'このカードは登録されていません。カウンターでたずねてください',
    en: 'This card is not registered. Please ask at the desk',
  },
  'blocked-fines': {
    ja: '返していない本があるため、いまは借りられません。カウンターでたずねてください',
    en: 'You cannot borrow until overdue items or fees are settled. Please ask at the desk',
  },
  'blocked-card-lost': {
    ja: 'このカードはなくしたと届けられています。カウンターでたずねてください',
    en: 'This card has been reported lost. Please ask at the desk',
  },
  blocked: {
    ja: 'いまは借りることができません。カウンターでたずねてください',
    en: 'You cannot borrow at the moment. Please ask at the desk',
  },
  'card-expired': {
    ja: 'カードの有効期限が切れています。カウンターで更新してください',
    en: 'Your card has expired. Please renew it at the desk',
  },
  'card-not-registered': {
    ja: 'このカードは図書館カードとして登録されていません',
    en: 'This card is not linked to a library card',
  },
  'my-number-not-accepted': {
    ja: 'この機械ではマイナンバーカードは使えません。図書館カードを使ってください',
    en: 'My Number Cards cannot be used on this machine. Please use your library card',
  },
  'ic-card-not-accepted': {
    ja: 'この機械ではICカードは使えません。図書館カードを使ってください',
    en: 'IC cards cannot be used on this machine. Please use your library card',
  },
  'unknown-card': {
    ja: 'このカードは使えません。図書館カードを使ってください',
    en: 'This card cannot be used. Please use your library card',
  },
  'card-read-failed': {
    ja: 'カードを読めませんでした。もう一度おいてください',
    en: 'The card could not be read. Please place it again',
  },
  'not-a-library-card': {
    ja: '図書館カードのバーコードを読み取ってください',
    en: 'Please scan the barcode of your library card',
  },
  'offline-unknown-patron': {
    ja: 'いまは図書館のシステムにつながらないため、このカードでは借りられません',
    en: 'The library system is not reachable, and this card cannot be checked offline',
  },
};

const WEEKDAY_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** 「返す日 12月6日(日)」/ "Due Sun 6 Dec" for a YYYY-MM-DD date. */
export function dueText(isoDate: string): Bilingual {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return {
    ja: `返す日 ${m}月${d}日(${WEEKDAY_JA[weekday] ?? ''})`,
    en: `Due ${WEEKDAY_EN[weekday] ?? ''} ${d} ${MONTH_EN[m - 1] ?? ''}`,
  };
}
