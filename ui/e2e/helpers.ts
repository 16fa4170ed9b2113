// Shared steps for the browser tests: sign in as a demo user, watch the console, take the
// README's screenshots at laptop and phone sizes, and call the API directly for setup.
import AxeBuilder from "@axe-core/playwright";
import { expect } from "@playwright/test";
import type { APIRequestContext, Browser, BrowserContextOptions, Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots");
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const PHONE_CONTEXT: BrowserContextOptions = { viewport: PHONE, isMobile: true, hasTouch: true };
export const DESKTOP_CONTEXT: BrowserContextOptions = { viewport: DESKTOP };

export const PASSWORDS: Record<string, string> = {
  admin: "admin123", auditor: "auditor123", zhang: "zhang123", wang: "wang123", li: "li123",
  zhao: "zhao123", chen: "chen123", xiaoming: "xiaoming123", xiaohong: "xiaohong123",
  han: "han123", cao: "cao123", xu: "xu123",
  zhaomin: "zhaomin123",
};

export interface User {
  page: Page;
  /** Fails the test if the page logged an error, except the expected HTTP answers. */
  assertCleanConsole: () => void;
  close: () => Promise<void>;
}

/**
 * Open a browser context for a user and sign in through the sign-in screen. `allow` lists the
 * HTTP statuses (and other messages) this user is expected to cause: Chromium logs each failed
 * request as a console error.
 */
export async function openAs(browser: Browser, username: string, options: BrowserContextOptions = DESKTOP_CONTEXT,
  allow: (number | RegExp)[] = []): Promise<User> {
  const allowStatus = allow.filter((a): a is number => typeof a === "number");
  const allowText = allow.filter((a): a is RegExp => a instanceof RegExp);
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const status = text.match(/status of (\d{3})/);
    if (status && allowStatus.includes(Number(status[1]))) return;
    if (allowText.some((pattern) => pattern.test(text))) return;
    errors.push(text);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  await signIn(page, username);
  return {
    page,
    assertCleanConsole: () => expect(errors, `console errors for ${username}`).toEqual([]),
    close: () => context.close(),
  };
}

export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORDS[username]);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("current-user")).toBeVisible();
}

/** Screenshot the current screen at 1280×800 and 390×844 (docs/screenshots/<name>-<size>.png). */
export async function shoot(page: Page, name: string, ready?: () => Promise<void>, scrollTop = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  if (scrollTop) await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(350); // layout and diagram re-fit after the resize
    if (ready) await ready();
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}.png`) });
    await checkAccessibility(page, `${name} (${size})`);
  }
  if (original) await page.setViewportSize(original);
  await page.waitForTimeout(200);
}

/**
 * axe-core's WCAG 2 A/AA rules on the current screen; serious and critical findings fail the
 * test. The drawing surfaces of bpmn-js/dmn-js are left out (third-party, described by a text
 * alternative around them); the rest of those screens is checked.
 */
export async function checkAccessibility(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .exclude(".djs-container")
    .exclude(".dmn-decision-table-container")
    .exclude(".notices")
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} -> ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(serious, `accessibility problems on ${where}`).toEqual([]);
}

/** Wait until a bpmn-js/dmn-js canvas (the element with this test id, or inside it) has drawn. */
export async function diagramReady(page: Page, testId: string): Promise<void> {
  await expect(page.locator(`[data-testid="${testId}"][data-ready="true"], [data-testid="${testId}"] [data-ready="true"]`))
    .toHaveCount(1);
}

// --- direct API calls for setup and cross-checks --------------------------------------------
const tokens = new Map<string, string>();

export async function token(request: APIRequestContext, username: string): Promise<string> {
  const cached = tokens.get(username);
  if (cached) return cached;
  const response = await request.post("/api/v1/auth/token", { data: { username, password: PASSWORDS[username] } });
  expect(response.status()).toBe(200);
  const value = (await response.json()).access_token as string;
  tokens.set(username, value);
  return value;
}

export async function api<T = Record<string, unknown>>(request: APIRequestContext, username: string, method: "GET" | "POST",
  path: string, data?: unknown): Promise<T> {
  const headers = { Authorization: `Bearer ${await token(request, username)}` };
  const response = method === "GET" ? await request.get(path, { headers }) : await request.post(path, { headers, data });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBeTruthy();
  return (await response.json()) as T;
}

export function uniqueKey(prefix: string): string {
  return `${prefix}-${Date.now().toString(36).toUpperCase()}-${Math.floor(Math.random() * 1000)}`;
}

// --- leave: dates the server counts in school days, and the proof every leave needs ---------
export const PROOF = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "fixtures",
  "attachments", "diagnosis.pdf"));

function isoDate(day: Date): string {
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;
}

/** ``days`` weekdays (whole or half) from next Monday, as the leave form asks for them. */
export function leaveDates(days: number): { start_date: string; start_half: string; end_date: string; end_half: string } {
  const start = new Date();
  start.setDate(start.getDate() + ((8 - start.getDay()) % 7 || 7));
  const end = new Date(start);
  let halves = Math.round(days * 2);
  while (halves > 2) {
    halves -= 2;
    end.setDate(end.getDate() + 1);
    while (end.getDay() === 0 || end.getDay() === 6) end.setDate(end.getDate() + 1);
  }
  return { start_date: isoDate(start), start_half: "am", end_date: isoDate(end), end_half: halves === 2 ? "pm" : "am" };
}

/** The form data of a personal leave of ``days`` with a proof uploaded by ``username``. */
export async function leaveData(request: APIRequestContext, username: string, days: number,
  extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const headers = { Authorization: `Bearer ${await token(request, username)}` };
  const response = await request.post("/api/v1/attachments", {
    headers, multipart: { file: { name: "证明.pdf", mimeType: "application/pdf", buffer: PROOF } } });
  expect(response.status(), await response.text()).toBe(201);
  const proof = [(await response.json()).id as string];
  return { leave_type: "personal", reason: "家中有事", ...leaveDates(days), proof, ...extra };
}

/** Fill the start form's dates (Playwright fills date inputs with YYYY-MM-DD). */
export async function fillLeaveDates(page: Page, days: number): Promise<void> {
  const dates = leaveDates(days);
  await page.getByLabel("开始日期").fill(dates.start_date);
  await page.getByLabel("开始时段").selectOption({ label: dates.start_half === "am" ? "上午起" : "下午起" });
  await page.getByLabel("结束日期").fill(dates.end_date);
  await page.getByLabel("结束时段").selectOption({ label: dates.end_half === "am" ? "至中午" : "至下午结束" });
}

/** Today's date where the school is (Beijing). */
export function schoolToday(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}
