/**
 * Mesh tokens (SPEC §3, §4 `[auth] provider = wfm`): `<payload>.<signature>`, both base64url, the payload
 * `{"sub": <peer name>, "exp": <unix seconds>}`, the signature HMAC-SHA256 of the payload with
 * WFM_MESH_SECRET. A peer presents one in its upgrade request; anything else is refused.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { env, parseEnv, type EnvRecord } from "../env";
import { StartupError } from "../errors";

const sign = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");

const MAX_TTL_SECONDS = 3600;

export function signToken(secret: string, subject: string, ttlSeconds = 300, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ sub: subject, exp: Math.floor(now / 1000) + ttlSeconds })).toString("base64url");
  return `${payload}.${sign(secret, payload)}`;
}

export type TokenCheck = { ok: true; subject: string } | { ok: false; reason: string };

export function verifyToken(secret: string, token: string | undefined, now = Date.now()): TokenCheck {
  if (!token) return { ok: false, reason: "no token" };
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: "malformed token" };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "bad signature" };
  let claims: { sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (claims === null || typeof claims !== "object" || typeof claims.sub !== "string" || typeof claims.exp !== "number") {
    return { ok: false, reason: "malformed token" };
  }
  if (claims.exp * 1000 < now) return { ok: false, reason: "expired token" };
  // Tokens are short-lived: one valid for longer than the longest we issue (plus clock skew) is refused.
  if (claims.exp * 1000 > now + MAX_TTL_SECONDS * 1000 + 60_000) return { ok: false, reason: "token valid for too long" };
  return { ok: true, subject: claims.sub };
}

/**
 * The mesh's secret, or a StartupError saying what is missing (web events refuse to start without it). From
 * WFM_AUTH_PROVIDER and WFM_MESH_SECRET in the environment, or in `record` when given (tests).
 */
export function meshSecret(record?: EnvRecord): string {
  const { authProvider: provider, meshSecret: given } = record ? parseEnv(record) : env();
  if (provider !== "wfm") {
    throw new StartupError(
      `Web events need the [auth] provider 'wfm', but WFM_AUTH_PROVIDER is '${provider}'${provider === "" ? " (empty)" : ""}: set WFM_AUTH_PROVIDER=wfm, or turn web events off for this server.`,
    );
  }
  const secret = given ?? "";
  if (secret.length < 16) {
    throw new StartupError(
      `Web events need WFM_MESH_SECRET, the key mesh peers sign their tokens with (at least 16 characters, the same on every server and the console)${secret ? "; the one given is too short" : ""}.`,
    );
  }
  return secret;
}
