import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePcscd, type PrivatePcscd } from '../scripts/lib/pcscd.ts';
import { axe, kioskPage, launchChromium, screenshot } from './support/browser.ts';
import { startDemo, type DemoProcess } from './support/demo.ts';

// The bus validator's rider screen, end to end: the demo service (real pcscd + vpcd, the
// reference backend, the rider display on a pty) and its UI in Debian Chromium.
let pcscd: PrivatePcscd;
let demo: DemoProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  pcscd = await startPrivatePcscd({ name: 'Kazasu E2E Bus' });
  demo = await startDemo(pcscd, 'validator');
  browser = await launchChromium();
  page = await kioskPage(browser);
  await page.goto(`${demo.url}#/validator`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await pcscd?.dispose();
});

/** Waits until the service has the fares and entitlements from the backend (first sync). */
async function datasetsArrived(): Promise<void> {
  await page.goto(`${demo.url}#/status`);
  await expect
    .poll(async () => page.getByTestId('dataset-entitlements').innerText(), { timeout: 30_000 })
    .toMatch(/entitlements\s+\d+/);
  await page.goto(`${demo.url}#/validator`);
}

describe('validator rider screen', () => {
  it('asks for a card, in Japanese, with no accessibility violations', async () => {
    await expect
      .poll(() => page.getByTestId('rider-screen').innerText())
      .toContain('カードをタッチしてください');
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'validator-ready');
  });

  it('a senior tap shows the discount and the fare', async () => {
    await datasetsArrived();
    await page.getByRole('button', { name: /交通系IC（高齢者）/ }).click();
    const result = page.locator('[data-outcome="accepted"]');
    await result.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('rider-screen').innerText()).toContain('シニア割引');
    expect(await page.getByTestId('fare').innerText()).toContain('100円');
    expect(await page.getByTestId('discount').innerText()).toContain('100円');
    await screenshot(page, 'validator-senior');
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'カードを外す' }).click();
  });

  it('switches to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: /Transit IC \(unregistered\)/ }).click();
    await page
      .getByText('No discount registered for this card')
      .first()
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('fare').innerText()).toContain('200 yen');
    await screenshot(page, 'validator-standard-en');
    await page.getByRole('button', { name: 'Remove card' }).click();
  });

  it('the status page shows readers, the rider display and the outbox', async () => {
    await page.goto(`${demo.url}#/status`);
    await expect.poll(() => page.getByTestId('pcscd').innerText()).toMatch(/up|稼働中/);
    const text = await page.locator('main').innerText();
    expect(text).toContain('rider display');
    expect(text).toMatch(/Kazasu E2E Bus 0 00 01/);
    await screenshot(page, 'validator-status');
    expect(await axe(page)).toEqual([]);
  });

  it('the demo home page restarts the demo as another device, and the screen reconnects', async () => {
    await page.goto(`${demo.url}#/`);
    await page
      .getByRole('button', { name: 'Library' })
      .or(page.getByRole('button', { name: '図書館' }))
      .click();
    await page.waitForURL(/#\/library$/);
    await page.goto(`${demo.url}#/status`);
    await expect
      .poll(() => page.locator('main h1').innerText(), { timeout: 30_000 })
      .toContain('(library)');
    expect(await axe(page)).toEqual([]);
  }, 60_000);
});
