/**
 * The self-checkout screen's own words (views/library.tsx), Japanese first in plain words
 * (やさしい日本語), English on the switch; merged into the shared table in i18n.tsx and looked
 * up with `t`. What the flow says (results, refusals, due dates) comes from the service in both
 * languages (kiosk/library/messages.ts) and is picked with `pick`.
 */
export const LIBRARY_STRINGS = {
  libWelcome: {
    ja: '図書館カードをかざすか、バーコードを読み取ってください',
    en: 'Hold your library card over the reader, or scan its barcode',
  },
  libWelcomeBarcode: {
    ja: '図書館カードのバーコードを読み取ってください',
    en: 'Please scan the barcode of your library card',
  },
  libMyNumberToo: {
    ja: 'マイナンバーカードも使えます',
    en: 'You can also use your My Number Card',
  },
  libHelloNamed: { ja: '{name} さん、こんにちは', en: 'Hello, {name}' },
  libHello: { ja: 'ようこそ', en: 'Welcome' },
  libScanBooks: {
    ja: '本のバーコードを1冊ずつ読み取ってください',
    en: 'Scan the barcode of each book, one at a time',
  },
  libFinish: { ja: '終了', en: 'Finish' },
  libFinishHint: {
    ja: '借り終わったら「終了」をおしてください',
    en: 'When you are done, press Finish',
  },
  libItems: { ja: '読み取った本', en: 'Scanned books' },
  libNoItems: { ja: 'まだ本を読み取っていません', en: 'No books scanned yet' },
  libChecking: { ja: '手続きしています…', en: 'Checking out…' },
  libQueued: { ja: '順番を待っています', en: 'Waiting' },
  libItem: { ja: '資料番号', en: 'Item' },
  libEndsSoon: {
    ja: 'あと{s}秒で終了します。続けるときは本を読み取ってください',
    en: 'Ending in {s} seconds. Scan a book to continue',
  },
  libPrinting: { ja: 'レシートを印刷しています', en: 'Printing your receipt' },
  libTakeReceipt: { ja: 'レシートをお取りください', en: 'Please take your receipt' },
  libRemoveCard: { ja: 'カードをお取りください', en: 'Please take your card' },
  libPaperOut: {
    ja: 'レシートの紙がきれています。本は借りられています。返す日は下の一覧で確かめてください',
    en: 'The receipt printer is out of paper. Your books are checked out: the due dates are listed below',
  },
  libNotPrinted: {
    ja: 'レシートは印刷できません。返す日を下の一覧で確かめてください',
    en: 'No receipt can be printed. Please note the due dates below',
  },
  libReceiptFailed: {
    ja: 'レシートを印刷できませんでした。本は借りられています。返す日は下の一覧で確かめてください',
    en: 'The receipt could not be printed. Your books are checked out: the due dates are listed below',
  },
  libNothingBorrowed: { ja: '本は借りていません', en: 'No books were checked out' },
  libThanks: { ja: 'ご利用ありがとうございました', en: 'Thank you' },
  libBorrowed: { ja: '借りた本 {n}冊', en: '{n} book(s) checked out' },
  libNotBorrowed: { ja: '借りられなかった本 {n}冊', en: '{n} book(s) not checked out' },
  libOffline: {
    ja: 'いまは図書館のシステムにつながりません。借りた本は、あとで図書館のシステムに登録します',
    en: 'The library system is not reachable. Your checkouts will be recorded when it is back',
  },
  libPaperOutNow: {
    ja: 'いまはレシートの紙がきれています。返す日は画面で確かめてください',
    en: 'The receipt printer is out of paper. Please note the due dates on the screen',
  },
  libPrinterDown: {
    ja: 'いまはレシートを印刷できません。返す日は画面で確かめてください',
    en: 'Receipts cannot be printed at the moment. Please note the due dates on the screen',
  },
} as const;
