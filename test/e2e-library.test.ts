import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePcscd, type PrivatePcscd } from '../scripts/lib/pcscd.ts';
import { axe, kioskPage, launchChromium, screenshot } from './support/browser.ts';
import { startDemo, type DemoProcess } from './support/demo.ts';

// The library self-checkout's patron screen, end to end: the demo service as a library machine
// (real pcscd + vpcd, the SIP2 library-system simulator on TCP, the ESC/POS receipt printer
// simulator on a socat pty, the scanner fed with HID keyboard reports through `demo.scan`, the
// reference backend with the patrons linkage imported) and its UI in Debian Chromium.
let pcscd: PrivatePcscd;
let demo: DemoProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  pcscd = await startPrivatePcscd({ name: 'Kazasu E2E Library' });
  demo = await startDemo(pcscd, 'library');
  browser = await launchChromium();
  page = await kioskPage(browser);
  await page.goto(`${demo.url}#/library`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await pcscd?.dispose();
});

const screen = () => page.getByTestId('library-screen');
const press = (name: RegExp | string) =>
  page.getByRole('button', { name, exact: typeof name === 'string' }).click();
const phase = (p: string) => page.locator(`[data-testid="library-screen"][data-phase="${p}"]`);
const item = (id: string, state: string) =>
  page.locator(`li[data-item="${id}"][data-state="${state}"]`);

/** A patron identified by the library card barcode, through the scanner. */
async function startSession(): Promise<void> {
  await press(/図書館カード（図書 花子）/);
  await phase('session').waitFor({ timeout: 10_000 });
}

describe('library self-checkout screen', () => {
  it('welcomes in Japanese, with no accessibility violations', async () => {
    await expect
      .poll(() => screen().innerText(), { timeout: 15_000 })
      .toContain('図書館カードをかざすか、バーコードを読み取ってください');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'library-welcome');
  });

  it('a checkout with receipt: card, two books, 終了; the printer prints the Japanese receipt', async () => {
    await startSession();
    expect(await screen().innerText()).toContain('図書 花子 さん、こんにちは');
    await press(/本「吾輩は猫である」/);
    await item('3000000001', 'checked-out').waitFor({ timeout: 10_000 });
    await press(/本「坊っちゃん」/);
    await item('3000000002', 'checked-out').waitFor({ timeout: 10_000 });
    const dues = await page.getByTestId('due').allInnerTexts();
    expect(dues).toHaveLength(2);
    for (const d of dues) expect(d).toMatch(/^返す日 \d{1,2}月\d{1,2}日\(.\)$/);
    expect(await screen().innerText()).toContain('吾輩は猫である / 夏目漱石');
    // The patron's card number is never on the screen.
    expect(await screen().innerText()).not.toContain('L0001');
    await screenshot(page, 'library-session');
    expect(await axe(page)).toEqual([]);

    await press('終了');
    await phase('ended').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('receipt-state').getAttribute('data-receipt')).toBe('printed');
    expect(await screen().innerText()).toContain('レシートをお取りください');
    await expect
      .poll(() => demo.output(), { timeout: 10_000 })
      .toMatch(/receipt printer: │ 貸出票 \/ Checkout receipt/);
    const receipt = demo.output();
    expect(receipt).toContain('receipt printer: │ 吾輩は猫である / 夏目漱石');
    expect(receipt).toContain('receipt printer: │ 坊っちゃん / 夏目漱石');
    expect(receipt).toMatch(/receipt printer: │ {3}3000000001 {2}返す日 \d+月\d+日/);
    expect(receipt).toContain('receipt printer: │ 2冊 / 2 item(s)');
    expect(receipt).toContain('利用者 *0001'); // masked
    await screenshot(page, 'library-receipt');
    expect(await axe(page)).toEqual([]);
  });

  it('refused items are explained in plain Japanese; nothing borrowed, nothing printed', async () => {
    await startSession();
    await press(/本「こころ」（予約あり）/);
    const held = item('3000000003', 'refused');
    await held.waitFor({ timeout: 10_000 });
    expect(await held.innerText()).toContain('この本はほかの人が予約しています');
    await press(/登録のないバーコード/);
    const unknown = item('3999999999', 'refused');
    await unknown.waitFor({ timeout: 10_000 });
    expect(await unknown.innerText()).toContain('この本は登録されていません');
    expect(await page.getByTestId('library-live').innerText()).toContain('登録されていません');
    await screenshot(page, 'library-refused');
    expect(await axe(page)).toEqual([]);
    await press('終了');
    await phase('ended').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('receipt-state').getAttribute('data-receipt')).toBe('none');
  });

  it('a blocked patron is told why, on the welcome screen', async () => {
    await press(/貸出停止の人のカード/);
    await expect
      .poll(() => screen().innerText(), { timeout: 10_000 })
      .toContain('返していない本があるため、いまは借りられません');
    expect(await screen().getAttribute('data-phase')).toBe('welcome');
    await screenshot(page, 'library-blocked');
    expect(await axe(page)).toEqual([]);
  });

  it('the receipt printer out of paper: the books are still checked out, and the screen says so', async () => {
    await press(/レシートの紙切れ/);
    await startSession();
    await press(/本「吾輩は猫である」/); // the same patron again: a renewal
    await item('3000000001', 'checked-out').waitFor({ timeout: 10_000 });
    await press('終了');
    await phase('ended').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('receipt-state').getAttribute('data-receipt')).toBe('paper-out');
    expect(await screen().innerText()).toContain('レシートの紙がきれています');
    expect(await page.getByTestId('due').count()).toBe(1);
    await screenshot(page, 'library-paper-out');
    expect(await axe(page)).toEqual([]);
    await press(/レシートの紙を補充/);
  });

  it('an IC card linked in the patrons dataset from the backend; "take your card" until it is removed', async () => {
    await page.goto(`${demo.url}#/status`);
    await expect
      .poll(async () => page.getByTestId('dataset-patrons').innerText(), { timeout: 30_000 })
      .toMatch(/patrons\s+\d+\s+6/);
    await page.goto(`${demo.url}#/library`);
    await press(/ICカード（予約 四季）/);
    await phase('session').waitFor({ timeout: 15_000 });
    expect(await screen().innerText()).toContain('予約 四季 さん、こんにちは');
    await press(/本「こころ」（予約あり）/); // on the hold shelf for this patron
    await item('3000000003', 'checked-out').waitFor({ timeout: 10_000 });
    await press('終了');
    await phase('ended').waitFor({ timeout: 15_000 });
    await page.getByText('カードをお取りください').waitFor({ timeout: 5_000 });
    await press('カードを外す');
    await page.getByText('カードをお取りください').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('the library system unreachable: the screen says so, a cached patron borrows, stored to forward', async () => {
    await press(/図書館システム停止/);
    await startSession();
    expect(await page.getByTestId('library-offline').innerText()).toContain(
      'いまは図書館のシステムにつながりません',
    );
    await press(/本「坊っちゃん」/);
    const stored = item('3000000002', 'stored-offline');
    await stored.waitFor({ timeout: 10_000 });
    expect(await stored.innerText()).toContain('借りました（あとで図書館のシステムに登録します）');
    expect(await stored.innerText()).toMatch(/返す日 \d+月\d+日/);
    await screenshot(page, 'library-offline');
    expect(await axe(page)).toEqual([]);
    await press('終了');
    await phase('ended').waitFor({ timeout: 15_000 });
    await press(/図書館システム復旧/);
    await expect
      .poll(async () => (await page.getByTestId('library-offline').count()) === 0, {
        timeout: 20_000,
      })
      .toBe(true);
  });

  it('switches to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await press(/Blocked patron’s card/);
    await expect
      .poll(() => screen().innerText(), { timeout: 10_000 })
      .toContain('You cannot borrow until overdue items or fees are settled');
    await screenshot(page, 'library-blocked-en');
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: '日本語' }).click();
  });

  it('the status page shows the scanner, the receipt printer and the library system', async () => {
    await page.goto(`${demo.url}#/status`);
    await expect.poll(() => page.locator('main').innerText()).toMatch(/sip2:\/\/127\.0\.0\.1:\d+/);
    const rows = page.locator('tr[data-state]');
    const text = await page.locator('main').innerText();
    expect(text).toContain('barcode scanner');
    expect(text).toContain('receipt printer');
    expect(await rows.count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'library-status');
    expect(await axe(page)).toEqual([]);
  });
});
