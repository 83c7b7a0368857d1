/**
 * Where to send a browser after sign-in: a path of this console, never another site. A `next` such as
 * "/\t/evil.example" passes a "starts with one slash" test, yet browsers drop the tab and follow
 * "//evil.example" off-site. So the value is resolved as a URL against a placeholder origin, kept only when it
 * stays on that origin, and its path is resolved and checked once more as it will be sent.
 */
const HERE = "http://console.invalid";

export function safeRedirectPath(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2000) return "/";
  const stays = (candidate: string): URL | undefined => {
    try {
      const url = new URL(candidate, HERE);
      return url.origin === HERE ? url : undefined;
    } catch {
      return undefined;
    }
  };
  const resolved = stays(value);
  if (!resolved) return "/";
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\") || !stays(path)) return "/";
  return path;
}
