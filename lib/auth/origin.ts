/**
 * The write-origin rule, for every request that can change something (REST writes, sign-in and sign-out,
 * server actions): a browser's write must come from the console's own origin. A cross-site page can make a
 * browser post a form or a text/plain fetch with the user's cookie (or, at sign-in, to give the victim the
 * attacker's session), but it cannot make the browser claim this origin. So a write is refused when the
 * browser says it comes from elsewhere — `Sec-Fetch-Site: cross-site` or `same-site` (a sibling host is
 * another origin), or an `Origin` that is not this host. Requests that say neither (curl, integrations)
 * are not browsers' cross-site posts; bearer-token callers are authenticated by their token, which no
 * other site can make a browser send.
 */
export interface RequestHeaders {
  get(name: string): string | null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why this request is refused as a cross-site write, or undefined when it may go on. */
export function crossSiteWriteRefusal(method: string, headers: RequestHeaders): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  if (/^Bearer\s+\S+$/i.test(headers.get("authorization") ?? "")) return undefined;
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return "Cross-site writes are refused.";
  const origin = headers.get("origin");
  if (origin === null) return undefined;
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  try {
    if (origin !== "null" && new URL(origin).host === host) return undefined;
  } catch {
    // not a URL: refused below
  }
  return `Cross-origin writes are refused (Origin ${origin}).`;
}
