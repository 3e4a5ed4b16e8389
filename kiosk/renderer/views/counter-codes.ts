/**
 * The counter's texts chosen by a code the service sends (notices, value sources, print states
 * and problems, look-up and My Number states, phases), Japanese and English, for `pick`.
 */
import type {
  CounterNoticeCode,
  CounterPrint,
  CounterReview,
} from '../../../shared/contracts/ui/counter.ts';
import type { Text } from './counter-text.ts';

export const NOTICE_TEXT: Readonly<Record<CounterNoticeCode, Text>> = {
  'not-a-my-number-card': {
    ja: 'マイナンバーカードではないようです。カードをお確かめください。',
    en: 'This does not seem to be a My Number Card.',
  },
  'same-card-twice': {
    ja: 'このカードはすでに読み取りました。',
    en: 'This card has already been read in this case.',
  },
  'same-person-twice': {
    ja: '同じ方のカードがすでに読み取られています。',
    en: 'A card of the same person has already been read.',
  },
  'one-card-at-a-time': {
    ja: 'カードは1枚ずつ置いてください。',
    en: 'Please place one card at a time.',
  },
  'household-full': {
    ja: 'この受付で扱える人数を超えました。',
    en: 'This case cannot take more persons.',
  },
  'card-removed': {
    ja: '読み取りの途中でカードが離れました。もう一度カードを置いてください。',
    en: 'The card left the reader during the read. Please place it again.',
  },
  'card-swapped': {
    ja: '読み取りの途中でカードが替わりました。もう一度はじめからお願いします。',
    en: 'The card was changed during the read. Please start again.',
  },
  'card-not-genuine': {
    ja: 'カードの情報を確認できませんでした。職員にお知らせください。',
    en: 'The card data could not be verified. Please tell the staff.',
  },
  'read-failed': {
    ja: 'カードを読み取れませんでした。もう一度お試しください。',
    en: 'The card could not be read. Please try again.',
  },
  'pin-wrong': {
    ja: '暗証番号が違います。あと{n}回入力できます。',
    en: 'Wrong PIN. {n} tries left.',
  },
  'pin-invalid': {
    ja: '暗証番号は数字4桁です。',
    en: 'The PIN is 4 digits.',
  },
  'confirm-last-try': {
    ja: 'のこり1回です。確認のうえ入力してください。',
    en: 'One try left: please confirm before entering it.',
  },
  'pin-blocked': {
    ja: '暗証番号がロックされています。顔認証か職員の確認で進めます。',
    en: 'The PIN is blocked. Face authentication or a staff check instead.',
  },
  'code-b-wrong': {
    ja: '照合番号Bが違います（あと{n}回）。券面をもう一度ご確認ください。',
    en: 'Verification code B is wrong ({n} tries left).',
  },
  'code-b-needed': {
    ja: '先に照合番号Bで券面を読んでください。',
    en: 'Open the card face with code B first.',
  },
  'face-failed': {
    ja: 'お顔を確認できませんでした（あと{n}回）。',
    en: 'Face not confirmed ({n} tries left).',
  },
  'face-limit': {
    ja: '顔認証の回数を超えました。暗証番号で確認します。',
    en: 'No face tries left: the PIN instead.',
  },
  'camera-unavailable': {
    ja: 'カメラが使えません。暗証番号で確認します。',
    en: 'The camera is unavailable: the PIN instead.',
  },
  'staff-check-not-yet': {
    ja: '職員による確認は、暗証番号と顔認証が使えないときだけです。',
    en: 'A staff check only when neither the PIN nor the camera can be used.',
  },
  'lookup-pending': {
    ja: '住民記録を照会できませんでした。照会は保留（照会中）にしてカードの情報で進めます。',
    en: 'The register could not be asked: the look-up is pending (照会中).',
  },
  'lookup-declined': {
    ja: '照会に同意されませんでした。カードの情報だけで記入します。',
    en: 'No consent to the look-up: forms from the card only.',
  },
  'lookup-not-found': {
    ja: '住民記録に該当する方が見つかりませんでした。',
    en: 'No matching resident record.',
  },
  'lookup-ambiguous': {
    ja: '住民記録に該当する方が複数あります。職員が確認します。',
    en: 'Several matching resident records: staff resolve it.',
  },
  'procedures-invalid': {
    ja: '手続きの選び方を確認してください。',
    en: 'Please check the chosen procedures.',
  },
  'place-card': {
    ja: 'カードを置いてください。',
    en: 'Please place the card.',
  },
  'wrong-card-for-person': {
    ja: 'この方のカードではありません。',
    en: 'This is not that person’s card.',
  },
  'my-number-pending': {
    ja: '個人番号は後で確認します（保留）。',
    en: 'The My Number is left for later.',
  },
  'forms-failed': {
    ja: '申請書を作れませんでした。職員が確認します。',
    en: 'The forms could not be made.',
  },
  'glyph-problems': {
    ja: '印刷できない文字があります。確認してから印刷してください。',
    en: 'Some characters cannot be printed: accept them before printing.',
  },
  'print-failed': {
    ja: '印刷できませんでした。',
    en: 'The forms did not print.',
  },
  'not-now': { ja: '今はできません。', en: 'Not now.' },
};

/** Notices the resident's screen shows too (the others concern staff only). */
export const RESIDENT_NOTICES: ReadonlySet<CounterNoticeCode> = new Set([
  'not-a-my-number-card',
  'same-card-twice',
  'one-card-at-a-time',
  'card-removed',
  'card-swapped',
  'card-not-genuine',
  'read-failed',
  'pin-wrong',
  'pin-invalid',
  'pin-blocked',
  'face-limit',
  'camera-unavailable',
  'wrong-card-for-person',
]);

type Source = CounterReview['forms'][number]['sheets'][number]['values'][number]['source'];
export const SOURCE_TEXT: Readonly<Record<Source, Text>> = {
  card: { ja: 'カード', en: 'Card' },
  'resident-record': { ja: '住民記録', en: 'Register' },
  staff: { ja: '職員入力', en: 'Staff' },
  case: { ja: '受付', en: 'Case' },
  constant: { ja: '定型', en: 'Fixed' },
  pending: { ja: '照会中', en: 'Pending' },
  blank: { ja: '空欄', en: 'Blank' },
};

export const PRINT_TEXT: Readonly<Record<CounterPrint['state'], Text>> = {
  submitting: { ja: 'プリンターに送っています', en: 'Sending to the printer' },
  queued: { ja: '印刷の順番を待っています', en: 'Queued' },
  printing: { ja: '印刷しています', en: 'Printing' },
  waiting: { ja: 'プリンターの対応が必要です', en: 'The printer needs attention' },
  completed: { ja: '印刷しました', en: 'Printed' },
  failed: { ja: '印刷できませんでした', en: 'Not printed' },
};

/** Printer problems (hardware/printing PRINTER_PROBLEMS) and print failures, in words. */
export const PRINT_PROBLEM_TEXT: Readonly<Record<string, Text>> = {
  'paper-out': {
    ja: '用紙がありません。用紙を補充してください。',
    en: 'Out of paper: refill the tray.',
  },
  'paper-jam': { ja: '紙が詰まっています。取り除いてください。', en: 'Paper jam: clear it.' },
  'door-open': { ja: 'カバーが開いています。閉じてください。', en: 'A cover is open: close it.' },
  'supplies-empty': { ja: 'トナー（インク）がありません。', en: 'Toner or ink is empty.' },
  offline: {
    ja: 'プリンターの電源が切れているか、接続されていません。',
    en: 'The printer is off or disconnected.',
  },
  'printer-stopped': { ja: 'プリンターが停止しています。', en: 'The printer queue is stopped.' },
  held: { ja: '印刷が保留されています。', en: 'The job is held.' },
  'queue-missing': { ja: 'プリンターが設定されていません。', en: 'No such printer queue.' },
  'not-accepting': { ja: 'プリンターが受け付けていません。', en: 'The printer refuses jobs.' },
  'printer-not-ready': {
    ja: 'プリンターの準備ができていません。',
    en: 'The printer is not ready.',
  },
  'cups-unreachable': {
    ja: '印刷サービスが応答しません。',
    en: 'The print service is not answering.',
  },
  blocked: {
    ja: '長く待っても印刷できなかったため取り消しました。',
    en: 'Cancelled after waiting too long.',
  },
  'timed-out': { ja: '時間内に印刷できませんでした。', en: 'Did not print in time.' },
};

export const LOOKUP_TEXT: Readonly<Record<string, Text>> = {
  'awaiting-consent': { ja: '同意待ち', en: 'awaiting consent' },
  declined: { ja: '照会しない（同意なし）', en: 'not looked up (no consent)' },
  running: { ja: '照会中', en: 'looking up' },
  found: { ja: '該当あり', en: 'found' },
  'not-found': { ja: '該当なし', en: 'not found' },
  ambiguous: { ja: '複数該当', en: 'ambiguous' },
  offline: { ja: '保留（接続なし）', en: 'pending (offline)' },
  failed: { ja: '保留（エラー）', en: 'pending (error)' },
};

export const MY_NUMBER_TEXT: Readonly<Record<string, Text>> = {
  'not-needed': { ja: '不要', en: 'not needed' },
  needed: { ja: '読み取り待ち', en: 'to be read' },
  pending: { ja: '保留', en: 'pending' },
  matches: { ja: '一致', en: 'matches' },
  differs: { ja: '不一致（要確認）', en: 'differs (check)' },
  'no-record': { ja: '記録なし', en: 'no record' },
};

export const PHASE_TEXT: Readonly<Record<string, Text>> = {
  idle: { ja: '受付前', en: 'no case' },
  'awaiting-card': { ja: 'カード待ち', en: 'waiting for a card' },
  'choosing-method': { ja: '本人確認の方法', en: 'choosing the check' },
  'pin-entry': { ja: '暗証番号の入力', en: 'PIN entry' },
  'code-b-entry': { ja: '照合番号Bの入力', en: 'code B entry' },
  'opening-face': { ja: '券面の読み取り', en: 'reading the card face' },
  'face-capturing': { ja: '顔認証中', en: 'face matching' },
  'face-retry': { ja: '顔認証（再試行）', en: 'face (retry)' },
  'staff-check': { ja: '職員による確認', en: 'staff check' },
  reading: { ja: 'カードの読み取り', en: 'reading the card' },
  consent: { ja: '同意の確認', en: 'consent' },
  'looking-up': { ja: '住民記録の照会', en: 'register look-up' },
  'person-ready': { ja: '手続きの選択', en: 'choosing procedures' },
  'my-number': { ja: '個人番号の読み取り', en: 'My Number' },
  'reading-my-number': { ja: '個人番号の読み取り中', en: 'reading the My Number' },
  'filling-forms': { ja: '申請書の作成', en: 'filling the forms' },
  review: { ja: '内容の確認', en: 'review' },
  printing: { ja: '印刷中', en: 'printing' },
  'print-failed': { ja: '印刷できず', en: 'print failed' },
  'awaiting-signature': { ja: '署名待ち', en: 'awaiting the signature' },
  signed: { ja: '署名済み', en: 'signed' },
};

export const STAFF_REASON_TEXT: Readonly<Record<string, Text>> = {
  'pin-forgotten': { ja: '暗証番号を忘れた', en: 'PIN forgotten' },
  'pin-blocked': { ja: '暗証番号がロック', en: 'PIN blocked' },
  'face-not-matched': { ja: '顔認証で確認できない', en: 'face not matched' },
  'camera-unavailable': { ja: 'カメラが使えない', en: 'camera unavailable' },
  other: { ja: 'その他', en: 'other' },
};

/** Why a value is blank (shared/contracts/forms.ts BLANK_REASONS). */
export const BLANK_TEXT: Readonly<Record<string, Text>> = {
  'no-card': { ja: 'カード未読取', en: 'card not read' },
  'not-found': { ja: '住民記録なし', en: 'no record' },
  ambiguous: { ja: '複数該当', en: 'ambiguous' },
  'not-requested': { ja: '照会なし', en: 'not looked up' },
  'not-on-record': { ja: '記録にない項目', en: 'not on record' },
  'not-entered': { ja: '未入力', en: 'not entered' },
  invalid: { ja: '形式が正しくない', en: 'invalid' },
  'no-person': { ja: '対象者なし', en: 'no person' },
};
