/**
 * A signed-in person's pages of the console, for its browser tests: the platform's session
 * of a role (`ApiPlatform.sessions`) put in the browser as its cookie, then a page opened.
 */
import type { ApiPlatform, KeyName } from './api-platform';
import type { Locator, Page } from 'playwright-core';
import type { TestBrowser, WatchedPage } from './browser';

/** Makes the browser hold the session of `who` (the platform's signed-in person of that role). */
export async function useSessionOf(browser: TestBrowser, platform: ApiPlatform, who: KeyName): Promise<void> {
  await browser.forgetVisitor();
  await browser.context.addCookies([{ name: 'hv_session', value: platform.sessions[who].cookie, url: platform.url, httpOnly: true, sameSite: 'Strict' }]);
}

/** A new tab on `#<path>`, once its title is shown. */
export async function openPage(browser: TestBrowser, platform: ApiPlatform, path: string): Promise<WatchedPage> {
  const watched = await browser.newPage();
  await watched.page.goto(`${platform.url}/#${path}`);
  await watched.page.locator('main h1').waitFor();
  return watched;
}

/** A tab signed in with a session of its own of the platform's person `who`, on `#<path>` once its title shows. */
export async function openSignedIn(browser: TestBrowser, platform: ApiPlatform, who: KeyName, path: string): Promise<WatchedPage> {
  const { cookie } = await platform.login(platform.emails[who]);
  await browser.context.addCookies([{ name: 'hv_session', value: cookie, url: platform.url, httpOnly: true, sameSite: 'Strict' }]);
  return openPage(browser, platform, path);
}

/** The requests the page makes from now on to an API path (its path and query), to be asked again with a key. */
export function requestsTo(page: Page, pathname: string): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === pathname) seen.push(url.pathname + url.search);
  });
  return seen;
}

/** The rows of a chart's data table: each time (ISO, from `<time datetime>`) and its cells' text. */
export async function chartRows(watched: WatchedPage, chartId: string): Promise<Array<{ at: string; values: string[] }>> {
  const rows = watched.page.locator(`#${chartId} .chart-data tbody tr`);
  const out: Array<{ at: string; values: string[] }> = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({ at: (await row.locator('time').getAttribute('datetime'))!, values: await row.locator('td').allTextContents() });
  }
  return out;
}

/** An attribute of each element the locator finds, in order. */
export async function attributesOf(locator: Locator, name: string): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (let i = 0; i < (await locator.count()); i++) out.push(await locator.nth(i).getAttribute(name));
  return out;
}
