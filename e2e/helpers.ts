import { expect, type APIRequestContext, type APIResponse, type Cookie, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { z } from "zod";
import { SESSION_COOKIE } from "../lib/auth/cookie";
import { runningEmbeddedUrl } from "../lib/db/embedded";

export const adminPassword = () => process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

/**
 * The admin's session cookie from this worker's first sign-in through the form: later tests start from it
 * rather than signing in again (a password hash and two page loads each). A session that has ended meanwhile
 * (signed out, expired) sends the browser to /signin, and the form is used again.
 */
let adminSession: Cookie[] | undefined;

export async function signInAsAdmin(page: Page) {
  if (adminSession) {
    await page.context().addCookies(adminSession);
    await page.goto("/");
    if (!new URL(page.url()).pathname.startsWith("/signin")) {
      await expect(page.getByTestId("signed-in-user")).toBeVisible();
      return;
    }
  }
  await page.goto("/signin");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
  adminSession = (await page.context().cookies()).filter((cookie) => cookie.name === SESSION_COOKIE);
}

/**
 * The id Next.js gave a server action in this build (from the build's server-reference manifest), so a test
 * can call the action directly, as a hostile client would, without the page that offers it.
 */
export function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.resolve(".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === file && entry.exportedName === exportedName);
  if (!found) throw new Error(`The build has no server action ${exportedName} in ${file}.`);
  return found[0];
}

/**
 * Posts to a server action the way React's client does for `useActionState(action)` on a form: the previous
 * state and the form's fields, encoded as React's reply format. Answers the raw RSC response text.
 */
export async function callServerAction(
  request: APIRequestContext,
  baseURL: string,
  pagePath: string,
  actionId: string,
  previousState: unknown,
  fields: Record<string, string>,
): Promise<{ status: number; body: string }> {
  const multipart: Record<string, string> = { "0": JSON.stringify([previousState, "$K1"]) };
  for (const [name, value] of Object.entries(fields)) multipart[`1_${name}`] = value;
  const response = await request.post(pagePath, {
    headers: { "Next-Action": actionId, Accept: "text/x-component", Origin: baseURL },
    multipart,
  });
  return { status: response.status(), body: await response.text() };
}

/** Signs an API client in through POST /api/v1/session (the cookie stays in its context). */
export async function signIn(request: APIRequestContext, username: string, password: string) {
  const response = await request.post("/api/v1/session", { data: { username, password } });
  expect(response.status()).toBe(204);
}

/** A connection to the product's own embedded PostgreSQL, for setting up what the UI cannot and checking what it wrote. */
export async function productDatabase() {
  const url = await runningEmbeddedUrl(process.env.E2E_DATA_DIR!);
  expect(url, "the embedded PostgreSQL of the product under test").toBeTruthy();
  return postgres(url!, { max: 1, onnotice: () => {} });
}

/** Asserts a SPEC §6 error: the status, the code, and (when given) the paths its details name. */
export async function expectError(response: APIResponse, status: number, code: string, paths?: string[]) {
  expect(response.status(), await response.text()).toBe(status);
  const body = await response.json();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "details", "message"]);
  expect(body.error).toMatchObject({ code, message: expect.stringMatching(/\S/) });
  if (paths) expect((body.error.details as { path: string }[]).map((d) => d.path)).toEqual(paths);
  return body.error as { code: string; message: string; details: { path: string; message: string }[] | null };
}

/** Asserts an answer has exactly a documented shape (lib/api/shapes): no field missing, renamed or extra. */
export function expectShape(schema: z.ZodType, value: unknown, where = "answer") {
  const strict = schema instanceof z.ZodObject ? schema.strict() : schema;
  const result = strict.safeParse(value);
  expect(result.success ? [] : result.error.issues, where).toEqual([]);
}

/**
 * Loads each path directly in one of `tabs` tabs of the page's context at once and runs `check` on it there. A
 * direct load waits for the network to go quiet (half a second with nothing in flight) so that hydration has run;
 * in several tabs those quiet waits overlap instead of adding up (a sweep of 13 pages took 18 s one at a time).
 */
export async function inTabs(page: Page, paths: string[], check: (tab: Page, path: string) => Promise<void>, tabs = 4): Promise<void> {
  const queue = [...paths];
  const worker = async (tab: Page) => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      await tab.goto(path, { waitUntil: "networkidle" });
      await check(tab, path);
    }
  };
  const extra = await Promise.all(Array.from({ length: Math.max(0, tabs - 1) }, () => page.context().newPage()));
  try {
    await Promise.all([page, ...extra].map(worker));
  } finally {
    await Promise.all(extra.map((tab) => tab.close()));
  }
}
