/**
 * The 個人番号's check digit: the 12th digit is computed from the first 11 (番号法施行令 §8 and
 * the 総務省令 of 2014 No. 85, §5 "検査用数字を算出する算式"). Pure. Used to refuse simulator
 * profiles whose number no real card could hold, and by reading code as a sanity check of EF 0001.
 */
const MY_NUMBER = /^\d{12}$/;

/** The check digit for 11 leading digits: Σ Pn×Qn over digits from the right, mod 11. */
export function myNumberCheckDigit(first11: string): number {
  let sum = 0;
  for (let n = 1; n <= 11; n += 1) {
    const p = first11.charCodeAt(11 - n) - 0x30;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

/** True for 12 ASCII digits whose last digit is the check digit of the first 11. */
export function isValidMyNumber(text: string): boolean {
  return (
    MY_NUMBER.test(text) && myNumberCheckDigit(text.slice(0, 11)) === text.charCodeAt(11) - 0x30
  );
}
