import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verificationCodeB } from '../reader/mynumber/code-b.ts';
import { seniorMyNumberProfile } from '../reader/sim/mynumber-profile.ts';
import { startPrivatePcscd, type PrivatePcscd } from '../scripts/lib/pcscd.ts';
import { axe, kioskPage, launchChromium, screenshot } from './support/browser.ts';
import { printedText, squeeze } from './support/counter.ts';
import { TEST_QUEUE, waitForCupsPdfFile } from './support/cups.ts';
import { startDemo, type DemoProcess } from './support/demo.ts';

// The write-less counter end to end: `npm start`'s demo as the counter device (real pcscd +
// vpcd with simulated My Number Cards, the face camera simulator on a socat pty, the reference
// backend with the sample residents, the Kazasu-PDF cups-pdf queue) and its UI in Debian
// Chromium, driven as staff and the resident would. The split screen (#/counter) shows the
// staff view and the resident's screen side by side.
let pcscd: PrivatePcscd;
let demo: DemoProcess;
let browser: Browser;
let page: Page;

const MIKIYA = { card: 'マイナンバーカード', pin: '1234' };
const KAZUKO = {
  card: 'マイナンバーカード（高齢者）',
  codeB: ((p) =>
    verificationCodeB(
      p.holder.birthDate,
      Number(p.card.expiryDate.slice(0, 4)),
      p.card.securityCode,
    ))(seniorMyNumberProfile()),
};

beforeAll(async () => {
  pcscd = await startPrivatePcscd({ name: 'Kazasu E2E Counter' });
  demo = await startDemo(pcscd, 'counter');
  browser = await launchChromium();
  page = await kioskPage(browser);
  await page.goto(`${demo.url}#/counter`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await pcscd?.dispose();
});

const resident = () => page.getByTestId('resident-screen');
const staff = () => page.getByTestId('staff-screen');
const button = (name: string, scope = page.locator('body')) =>
  scope.getByRole('button', { name, exact: true });

async function promptIs(kind: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => resident().getAttribute('data-prompt'), { timeout }).toBe(kind);
}
async function phaseIs(phase: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => staff().getAttribute('data-phase'), { timeout }).toBe(phase);
}
async function noViolations(name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axe(page)).toEqual([]);
}
async function place(card: string): Promise<void> {
  await button(`カードを置く: ${card}`).click();
}
async function typePin(pin: string): Promise<void> {
  const pad = page.getByTestId('pin-pad');
  for (const d of pin) await button(d, pad).click();
  await button('確定', pad).click();
}
/** Staff open a case; the card goes on the reader; the resident chooses the PIN. */
async function openWithPin(card: string): Promise<void> {
  await button('受付を開始').click();
  await promptIs('place-card');
  await place(card);
  await promptIs('choose-method');
  await button('暗証番号（数字4桁）').click();
  await promptIs('pin');
}

afterEach(async () => {
  // Every test ends with the case closed and the reader empty.
  if ((await staff().getAttribute('data-phase')) !== 'idle')
    await button('受付を終了（情報を消去）').click();
  await phaseIs('idle');
  await button('カードを外す').click();
  await promptIs('closed');
});

describe('counter: the PIN path', () => {
  it('reads the card with the PIN, asks consent, fills the forms with sources, prints the PDF', async () => {
    await phaseIs('idle');
    await noViolations('counter-idle');
    await button('受付を開始').click();
    await promptIs('place-card');
    expect(await resident().innerText()).toContain(
      'マイナンバーカードを読み取り機に置いてください',
    );
    await noViolations('counter-place-card');
    await place(MIKIYA.card);
    await promptIs('choose-method');
    await noViolations('counter-choose-method');
    await button('暗証番号（数字4桁）').click();
    await promptIs('pin');
    expect(await page.getByTestId('pin-tries').innerText()).toContain('あと3回');
    await noViolations('counter-pin-pad');
    await typePin(MIKIYA.pin);
    await promptIs('consent');
    const consent = await page.getByTestId('consent').innerText();
    for (const item of ['氏名', '住所', '生年月日', '性別']) expect(consent).toContain(item);
    await noViolations('counter-consent');
    await button('同意する').click();
    await phaseIs('person-ready');
    expect(await page.getByTestId('lookup-p1').innerText()).toBe('該当あり');
    const procedures = page.getByTestId('procedures');
    const check = (name: string) => procedures.getByRole('checkbox', { name, exact: true }).check();
    await check('住民票の写し等交付請求書');
    await check('国民健康保険 被保険者資格取得届');
    await procedures
      .getByRole('textbox', { name: '使用目的', exact: true })
      .fill('勤務先提出のため');
    await button('この内容で申請書を作成').click();
    // 国民健康保険 is 個人番号利用事務: the My Number, from the card with the PIN again.
    await promptIs('pin');
    expect(await resident().innerText()).toContain('個人番号の読み取りのため');
    await typePin(MIKIYA.pin);
    await phaseIs('review');
    const review = page.getByTestId('review');
    for (const source of ['card', 'resident-record', 'staff', 'case']) {
      expect(await review.locator(`tr[data-source="${source}"]`).count()).toBeGreaterThan(0);
    }
    expect(await review.innerText()).toContain('黒桐　幹也');
    expect(await review.innerText()).not.toContain('537686677188');
    await noViolations('counter-review');
    await button('内容を確認して印刷').click();
    await expect
      .poll(() => page.getByTestId('print-state').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('completed');
    const jobId = Number(await page.getByTestId('print-state').getAttribute('data-job-id'));
    const text = squeeze(printedText(await waitForCupsPdfFile(TEST_QUEUE, jobId)));
    for (const expected of [
      '住民票の写し等交付請求書',
      '国民健康保険',
      '黒桐幹也', // card
      '042-000-0001', // resident record
      '勤務先提出のため', // staff
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('537686677188');
    // the demo says where the PDF went once cups-pdf has written it, which can be a moment later
    await expect.poll(() => demo.output(), { timeout: 20_000 }).toContain(`printed (job ${jobId})`);
    await promptIs('remove-card');
    expect(await resident().innerText()).toContain('カードをお取りください');
    await noViolations('counter-printed-remove-card');
    await button('カードを外す').click();
    await promptIs('sign');
    await button('署名を確認しました').click();
    await promptIs('done');
    await button('受付を終了（情報を消去）').click();
    await phaseIs('idle');
    expect(await page.getByTestId('persons').count()).toBe(0);
  });

  it('a wrong PIN shows the tries left; the last try needs explicit confirmation', async () => {
    await openWithPin(MIKIYA.card);
    await typePin('9999');
    await expect
      .poll(() => page.getByTestId('resident-notice').innerText())
      .toContain('暗証番号が違います。あと2回入力できます。');
    await noViolations('counter-pin-wrong');
    await typePin('9999');
    await expect.poll(() => page.getByTestId('pin-tries').innerText()).toContain('のこり1回');
    await typePin(MIKIYA.pin);
    const confirm = page.getByTestId('last-try-confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('最後の1回です');
    await noViolations('counter-last-try');
    // Not sent yet: the card still has one try and the flow still waits for the PIN.
    expect(await page.getByTestId('staff-card').innerText()).toContain('あと1回');
    await phaseIs('pin-entry');
    await button('はい、この番号で確認する').click();
    await promptIs('consent');
    expect(await page.getByTestId('staff-card').innerText()).toContain('暗証番号：あと3回');
  });
});

describe('counter: face authentication', () => {
  it('staff key in 照合番号B; the resident looks at the camera; a miss, then a match', async () => {
    await button('受付を開始').click();
    await place(KAZUKO.card);
    await promptIs('choose-method');
    await button('カメラに映るもの: 誰もいない').click();
    await button('顔認証（カメラ）').click();
    await promptIs('wait');
    await page.getByLabel('照合番号B', { exact: true }).fill(KAZUKO.codeB);
    await button('照合番号Bで券面を読む').click();
    await page.getByTestId('face-framing').waitFor({ timeout: 15_000 });
    await noViolations('counter-face-framing');
    await promptIs('face-retry');
    expect(await resident().innerText()).toContain('あと2回ためせます');
    await noViolations('counter-face-retry');
    await button('カメラに映るもの: 本人').click();
    await button('もう一度カメラで確認する').click();
    await promptIs('consent');
    await button('同意する').click();
    await phaseIs('person-ready');
    const persons = await page.getByTestId('persons').innerText();
    expect(persons).toContain('顔認証');
    expect(persons).toContain('該当あり');
  });
});

describe('counter: things that go wrong', () => {
  it('a card pulled mid-read is explained, and placing it again recovers', async () => {
    await openWithPin(MIKIYA.card);
    await button('読み取り中に抜く').click();
    await typePin(MIKIYA.pin);
    await promptIs('place-card');
    expect(await page.getByTestId('resident-notice').innerText()).toContain(
      '読み取りの途中でカードが離れました',
    );
    await noViolations('counter-card-pulled');
    await place(MIKIYA.card);
    await promptIs('choose-method');
    await button('暗証番号（数字4桁）').click();
    await typePin(MIKIYA.pin);
    await promptIs('consent');
  });

  it('the offline banner shows while the backend is stopped; the look-up is pending', async () => {
    await button('住民記録システムを止める').click();
    await page.getByTestId('offline-banner').waitFor({ timeout: 20_000 });
    await openWithPin(MIKIYA.card);
    await typePin(MIKIYA.pin);
    await promptIs('consent');
    await button('同意する').click();
    await phaseIs('person-ready');
    expect(await page.getByTestId('lookup-p1').innerText()).toContain('保留');
    expect(await page.getByTestId('staff-notice').innerText()).toContain('照会中');
    await noViolations('counter-offline');
    await button('住民記録システムを戻す').click();
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('switches the resident screen to English', async () => {
    await button('English').click();
    await button('Open a case').click();
    await expect.poll(() => resident().innerText()).toContain('Please place your My Number Card');
    await noViolations('counter-en');
    await button('日本語').click();
  });
});

describe('counter: the status page', () => {
  it('lists the face camera, the printer queue and the resident look-up', async () => {
    await page.goto(`${demo.url}#/status`);
    const row = (name: string) => page.locator('main tr', { hasText: name });
    await expect.poll(() => row('resident look-up').getAttribute('data-state')).toBe('ok');
    expect(await row('face camera').getAttribute('data-state')).toBe('ok');
    expect(await row('printer Kazasu-PDF').getAttribute('data-state')).toBe('ok');
    await noViolations('counter-status');
    await page.goto(`${demo.url}#/counter`);
    await phaseIs('idle');
  });
});
