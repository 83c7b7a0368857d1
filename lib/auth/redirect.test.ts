import { describe, expect, it } from "vitest";
import { crossSiteWriteRefusal } from "./origin";
import { safeRedirectPath } from "./redirect";

describe("after sign-in, only this console's own paths", () => {
  it.each([
    ["/agents?q=ann", "/agents?q=ann"],
    ["/sync/12#log", "/sync/12#log"],
    ["/", "/"],
  ])("keeps %s", (next, expected) => expect(safeRedirectPath(next)).toBe(expected));

  it.each([
    "/\t/evil.example/pwned", // the red team's: Chromium drops the tab and follows //evil.example
    "/\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /agents",
    "",
    "/%09/evil.example/../..//evil.example",
  ])("refuses %j", (next) => {
    const path = safeRedirectPath(next);
    expect(new URL(path, "http://console.test").origin).toBe("http://console.test");
    expect(path.startsWith("//")).toBe(false);
  });

  it("refuses what is not a string", () => {
    expect(safeRedirectPath(null)).toBe("/");
    expect(safeRedirectPath(["/x"])).toBe("/");
  });
});

describe("the write-origin rule", () => {
  const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

  it("refuses a cross-site sign-in post (login CSRF), with or without an Origin", () => {
    expect(crossSiteWriteRefusal("POST", headers({ host: "console:3000", origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" }))).toMatch(/refused/);
    expect(crossSiteWriteRefusal("POST", headers({ host: "console:3000", "sec-fetch-site": "cross-site" }))).toMatch(/refused/);
    expect(crossSiteWriteRefusal("POST", headers({ host: "console:3000", origin: "null" }))).toMatch(/refused/);
    expect(crossSiteWriteRefusal("POST", headers({ host: "console:3000", "sec-fetch-site": "same-site" }))).toMatch(/refused/);
  });

  it("lets the console's own pages, integrations and token callers write, and never judges reads", () => {
    expect(crossSiteWriteRefusal("POST", headers({ host: "console:3000", origin: "http://console:3000", "sec-fetch-site": "same-origin" }))).toBeUndefined();
    expect(crossSiteWriteRefusal("PATCH", headers({ host: "console:3000" }))).toBeUndefined();
    expect(crossSiteWriteRefusal("DELETE", headers({ host: "console:3000", origin: "https://evil.example", authorization: "Bearer abc" }))).toBeUndefined();
    expect(crossSiteWriteRefusal("GET", headers({ host: "console:3000", "sec-fetch-site": "cross-site" }))).toBeUndefined();
  });
});
