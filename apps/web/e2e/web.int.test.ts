import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@revoke/testkit/processes';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { startWebStack, type WebStack } from './stack.ts';

/** Committed: the README shows them. Small viewport, PNG. */
const SCREENSHOTS = join(ROOT, 'apps/web/screenshots');
/** The shortest access-token lifetime the auth app allows; the client refreshes at half of it. */
const ACCESS_TTL_SEC = 30;
const REFRESH_AT = 0.5;

const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';

let stack: WebStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
let setupError: unknown;

beforeAll(async () => {
  try {
    browser = await launchChromium();
    stack = await startWebStack({
      serviceEnv: { ACCESS_TOKEN_TTL_SEC: String(ACCESS_TTL_SEC) },
      buildEnv: { VITE_REFRESH_AT: String(REFRESH_AT) },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  } catch (error) {
    setupError = error;
  }
});

/** Every test fails, rather than being skipped, when Chromium or the stack could not start. */
function requireSetup(): void {
  if (setupError) throw setupError;
}

afterAll(async () => {
  await Promise.all(contexts.map((context) => context.close().catch(() => {})));
  await browser?.close();
  await stack?.close();
});

/** A new device: its own cookie jar and storage. */
async function device(userAgent = DESKTOP_UA): Promise<BrowserContext> {
  requireSetup();
  const phone = userAgent === PHONE_UA;
  const context = await browser.newContext({
    userAgent,
    viewport: phone ? { width: 400, height: 720 } : { width: 960, height: 640 },
  });
  contexts.push(context);
  return context;
}

function newCredentials(label: string) {
  return {
    email: `${label}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    password: 'correct horse battery',
  };
}

type Credentials = ReturnType<typeof newCredentials>;

/** Fills in the credentials form at `path`, submits it with `button`, and waits for the notes page. */
async function submitCredentials(page: Page, path: string, button: string, credentials: Credentials) {
  await page.goto(`${stack.webUrl}${path}`);
  await page.getByLabel('E-mail').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: button }).click();
  await page.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
}

const signUp = (page: Page, credentials: Credentials) =>
  submitCredentials(page, '/sign-up', 'Create account', credentials);
const signIn = (page: Page, credentials: Credentials) =>
  submitCredentials(page, '/sign-in', 'Sign in', credentials);

/** Waits until the page's live sign-out stream is armed. */
async function live(page: Page): Promise<void> {
  await page.locator('[data-testid="live-status"][data-live="true"]').waitFor({ timeout: 10_000 });
}

async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage === true });
}

/** Records, in the page, the first moment the signed-out notice is in the DOM. */
async function watchForSignOut(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { signedOutAt?: number };
    const check = () => {
      if (w.signedOutAt === undefined && document.querySelector('[data-testid="signed-out-notice"]')) {
        w.signedOutAt = Date.now();
      }
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  });
}

async function signedOutAt(page: Page): Promise<number> {
  await page.getByTestId('signed-out-notice').waitFor({ timeout: 5000 });
  return page.evaluate(() => (window as unknown as { signedOutAt: number }).signedOutAt);
}

/** Clicks a button by running `click()` in the page, returning the page's clock at that instant. */
async function clickAt(page: Page, name: string): Promise<number> {
  const button = page.getByRole('button', { name, exact: true });
  await button.waitFor();
  return button.evaluate((element) => {
    const at = Date.now();
    (element as HTMLButtonElement).click();
    return at;
  });
}

/** A copy of a device's cookies, as a `Cookie` header for the services' host. */
async function cookieHeader(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies(stack.notesUrl);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

/** A notes call made outside the browser with (a copy of) a device's cookies. */
async function notesWith(cookie: string) {
  const response = await fetch(`${stack.notesUrl}/trpc/notes.list`, { headers: { cookie } });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { data?: { reason?: string } } },
  };
}

/** The token cookies the browser holds for the auth app: the refresh one only for its own path. */
async function tokenCookies(context: BrowserContext) {
  const cookies = await context.cookies([stack.authUrl, `${stack.authUrl}/trpc/auth.refresh`]);
  const tokens = cookies.filter((cookie) => /^(access|refresh)_token$/.test(cookie.name));
  for (const cookie of tokens)
    expect([cookie.name, cookie.path, cookie.httpOnly]).toEqual([
      cookie.name,
      cookie.name === 'refresh_token' ? '/trpc/auth.refresh' : '/',
      true,
    ]);
  return tokens;
}

describe('the web client in Chromium', () => {
  const owner = newCredentials('ada');

  it('signs up, adds and deletes notes, and shows them in the activity feed', async () => {
    const page = await (await device()).newPage();
    await page.goto(`${stack.webUrl}/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');

    await signUp(page, owner);
    await live(page);
    for (const body of ['Buy milk', 'Rotate the signing key on Friday', 'Read RFC 7009 again']) {
      await page.getByLabel('New note').fill(body);
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.locator('.note-body', { hasText: body }).waitFor();
    }
    await page.getByRole('button', { name: 'Delete note “Buy milk”' }).click();
    await page.locator('.note-body', { hasText: 'Buy milk' }).waitFor({ state: 'detached' });
    expect(await page.locator('.note-body').allTextContents()).toEqual([
      'Read RFC 7009 again',
      'Rotate the signing key on Friday',
    ]);
    await screenshot(page, 'notes');

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    await page.getByText('Note deleted').waitFor();
    expect(await page.getByText('Note added').count()).toBe(3);
    await screenshot(page, 'activity');

    // Sign-out ends the session and clears both HttpOnly cookies.
    expect((await tokenCookies(page.context())).map((cookie) => cookie.name).sort()).toEqual([
      'access_token',
      'refresh_token',
    ]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByTestId('signed-out-notice').textContent()).resolves.toMatch(/You signed out/);
    expect(await tokenCookies(page.context())).toEqual([]);
    await page.context().close();
  });

  it('"log out everywhere" on device A signs out device B\'s open page within 1 s, and B\'s cookies are refused', async () => {
    const pageA = await (await device(DESKTOP_UA)).newPage();
    const contextB = await device(PHONE_UA);
    const pageB = await contextB.newPage();
    await signIn(pageA, owner);
    await signIn(pageB, owner);
    await Promise.all([live(pageA), live(pageB)]);

    // A note added on device A appears on device B's open page (notes.live).
    await pageB.locator('[data-testid="notes-live-status"][data-live="true"]').waitFor({ timeout: 10_000 });
    await pageA.getByLabel('New note').fill('Seen on the phone');
    await pageA.getByRole('button', { name: 'Add note' }).click();
    await pageB.locator('.note-body', { hasText: 'Seen on the phone' }).waitFor();

    await pageA.getByRole('link', { name: 'Devices' }).click();
    await pageA.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
    await pageA.getByText('This device').waitFor();
    expect(await pageA.getByText('Chrome on Android').count()).toBe(1);
    await screenshot(pageA, 'devices', { fullPage: true });

    // A copy of B's cookies, taken while B is signed in: accepted by notes.
    const copiedB = await cookieHeader(contextB);
    expect((await notesWith(copiedB)).status).toBe(200);
    await watchForSignOut(pageB);
    const clickedAt = await clickAt(pageA, 'Log out everywhere');
    const shownAt = await signedOutAt(pageB);
    const elapsed = shownAt - clickedAt;
    console.log(`log out everywhere (device A) → device B's page shows it is signed out: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    await expect(pageB.getByTestId('signed-out-notice').textContent()).resolves.toMatch(/Log out everywhere/);
    await screenshot(pageB, 'signed-out');

    // A's own page says what it did.
    await expect(pageA.getByTestId('signed-out-notice').textContent()).resolves.toMatch(
      /You logged out everywhere/,
    );
    // B's old cookies are refused by the notes service…
    const refused = await notesWith(copiedB);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data?.reason).toBe('TOKEN_REVOKED');
    // …and B's page cleared them from its browser.
    await expect.poll(() => tokenCookies(contextB), { timeout: 2000 }).toEqual([]);
  });

  it("revokes one device from the devices page: that device's page signs out, this one stays", async () => {
    const pageA = await (await device(DESKTOP_UA)).newPage();
    const contextB = await device(PHONE_UA);
    const pageB = await contextB.newPage();
    await signIn(pageA, owner);
    await signIn(pageB, owner);
    await live(pageB);
    const copiedB = await cookieHeader(contextB);

    await pageA.getByRole('link', { name: 'Devices' }).click();
    await watchForSignOut(pageB);
    const revoke = pageA.getByRole('button', { name: /^Revoke Chrome on Android/ });
    await revoke.waitFor();
    const clickedAt = await revoke.evaluate((element) => {
      const at = Date.now();
      (element as HTMLButtonElement).click();
      return at;
    });
    const elapsed = (await signedOutAt(pageB)) - clickedAt;
    console.log(`revoke device (device A) → device B's page shows it is signed out: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    await expect(pageB.getByTestId('signed-out-notice').textContent()).resolves.toMatch(
      /signed out from another device/,
    );

    // A is still signed in, and its list no longer has B.
    await pageA.getByRole('button', { name: /^Revoke Chrome on Android/ }).waitFor({ state: 'detached' });
    await expect(pageA.getByRole('heading', { level: 1, name: 'Devices' }).isVisible()).resolves.toBe(true);
    const refused = await notesWith(copiedB);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data?.reason).toBe('TOKEN_REVOKED');
  });

  it("changing the password on device A signs device B's open page out live, saying why; A stays signed in", async () => {
    const credentials = newCredentials('password');
    const newPassword = 'a brand new passphrase';
    const contextA = await device(DESKTOP_UA);
    const pageA = await contextA.newPage();
    const contextB = await device(PHONE_UA);
    const pageB = await contextB.newPage();
    await signUp(pageA, credentials);
    await signIn(pageB, credentials);
    await Promise.all([live(pageA), live(pageB)]);
    const copiedB = await cookieHeader(contextB);

    await pageA.getByRole('link', { name: 'Account' }).click();
    await pageA.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
    // A wrong current password: said so, nothing changes.
    await pageA.getByLabel('Current password').fill('not my password');
    await pageA.getByLabel('New password').fill(newPassword);
    await pageA.getByRole('button', { name: 'Change password', exact: true }).click();
    await expect(pageA.locator('.error').textContent()).resolves.toMatch(
      /not changed.*current password is incorrect/,
    );
    expect((await notesWith(copiedB)).status).toBe(200);

    await pageA.getByLabel('Current password').fill(credentials.password);
    await watchForSignOut(pageB);
    const clickedAt = await clickAt(pageA, 'Change password');
    const elapsed = (await signedOutAt(pageB)) - clickedAt;
    console.log(`change password (device A) → device B's page shows it is signed out: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1000);
    await expect(pageB.getByTestId('signed-out-notice').textContent()).resolves.toMatch(
      /Your password was changed on another device/,
    );
    await expect(pageA.getByTestId('password-changed').textContent()).resolves.toMatch(
      /1 other device signed out/,
    );
    // A stays signed in with its new cookies: its stream re-arms, notes accepts them; B's copy is refused.
    await live(pageA);
    expect(await pageA.getByTestId('signed-out-notice').count()).toBe(0);
    expect((await notesWith(await cookieHeader(contextA))).status).toBe(200);
    const refused = await notesWith(copiedB);
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data?.reason).toBe('TOKEN_REVOKED');

    // B signs in again with the new password; A's "Sign out other devices" signs it out live.
    await signIn(pageB, { ...credentials, password: newPassword });
    await live(pageB);
    await watchForSignOut(pageB);
    await clickAt(pageA, 'Sign out other devices');
    await signedOutAt(pageB);
    await expect(pageB.getByTestId('signed-out-notice').textContent()).resolves.toMatch(
      /signed out from another of your devices/,
    );
    await expect(pageA.getByTestId('others-signed-out').textContent()).resolves.toMatch(
      /Signed out 1 other device\./,
    );
    expect(await pageA.getByTestId('signed-out-notice').count()).toBe(0);
  });

  it('two tabs of one browser refresh the short-lived token together without tripping reuse detection', {
    timeout: 120_000,
  }, async () => {
    const context = await device();
    const credentials = newCredentials('tabs');
    const tab1 = await context.newPage();
    await signUp(tab1, credentials);
    const tab2 = await context.newPage();
    await tab2.goto(`${stack.webUrl}/notes`);
    await tab2.getByRole('heading', { level: 1, name: 'Notes' }).waitFor();
    await Promise.all([live(tab1), live(tab2)]);

    const hint = () =>
      tab1.evaluate(
        () =>
          JSON.parse(localStorage.getItem('revoke:session') ?? 'null') as {
            expiresAt: number;
            receivedAt: number;
          },
      );
    const first = await hint();
    const refreshes: string[] = [];
    for (const [name, tab] of [
      ['tab1', tab1],
      ['tab2', tab2],
    ] as const) {
      tab.on('request', (request) => {
        if (request.url().includes('/trpc/auth.refresh')) {
          refreshes.push(`${name} +${((Date.now() - first.receivedAt) / 1000).toFixed(1)} s`);
        }
      });
    }

    // Two refresh rounds, each at half the 30 s lifetime: one request per round, from either tab.
    await tab1.waitForTimeout(first.receivedAt + ACCESS_TTL_SEC * 1000 * REFRESH_AT * 2 + 5000 - Date.now());
    console.log(`refreshes after sign-in: ${refreshes.join(', ')}`);
    expect(refreshes).toHaveLength(2);
    expect((await hint()).expiresAt).toBeGreaterThan(first.expiresAt + ACCESS_TTL_SEC * 1000 * REFRESH_AT);
    expect(await tab1.getByTestId('signed-out-notice').count()).toBe(0);
    expect(await tab2.getByTestId('signed-out-notice').count()).toBe(0);
    // Both tabs still work with the shared, rotated cookies, and both streams re-armed after the refreshes.
    for (const tab of [tab1, tab2]) {
      await tab.getByRole('link', { name: 'Devices' }).click();
      await tab.getByText('This device').waitFor();
      await live(tab);
    }
    expect(await tab1.locator('.device').count()).toBe(1);

    // Signing out in one tab signs the other out too, and clears the cookies.
    expect(await tokenCookies(context)).toHaveLength(2);
    await watchForSignOut(tab2);
    await tab1.getByRole('button', { name: 'Sign out' }).click();
    await expect(tab1.getByTestId('signed-out-notice').textContent()).resolves.toMatch(/You signed out/);
    await signedOutAt(tab2);
    expect(await tokenCookies(context)).toEqual([]);
  });
});
