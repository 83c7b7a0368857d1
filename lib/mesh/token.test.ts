import { describe, expect, it } from "vitest";
import { parseMessage, SeenSet, invalidation, MAX_MESSAGE_BYTES } from "./message";
import { meshSecret, signToken, verifyToken } from "./token";

const secret = "a-mesh-secret-of-some-length";

describe("mesh tokens", () => {
  it("accept a fresh token signed with the secret, naming its peer", () => {
    expect(verifyToken(secret, signToken(secret, "WFMServer"))).toEqual({ ok: true, subject: "WFMServer" });
  });
  it("refuse a wrong signature, an expired token, a malformed one and none, each with its reason", () => {
    expect(verifyToken(secret, signToken("another-secret-entirely", "x"))).toEqual({ ok: false, reason: "bad signature" });
    expect(verifyToken(secret, signToken(secret, "x", 60, Date.now() - 120_000))).toEqual({ ok: false, reason: "expired token" });
    expect(verifyToken(secret, "abc")).toEqual({ ok: false, reason: "malformed token" });
    expect(verifyToken(secret, undefined)).toEqual({ ok: false, reason: "no token" });
  });
  it("web events refuse to start without the wfm provider or a secret, saying which", () => {
    expect(() => meshSecret({ WFM_AUTH_PROVIDER: "" })).toThrow(/\[auth\] provider 'wfm'.*\(empty\)/);
    expect(() => meshSecret({})).toThrow(/need WFM_MESH_SECRET/);
    expect(() => meshSecret({ WFM_MESH_SECRET: "short" })).toThrow(/too short/);
    expect(meshSecret({ WFM_MESH_SECRET: secret })).toBe(secret);
  });
});

describe("mesh messages", () => {
  it("pass the schema when well formed, and are refused with the reason otherwise", () => {
    const message = invalidation("A", "sites", [3], 42);
    expect(parseMessage(JSON.stringify(message))).toEqual({ ok: true, message });
    expect(parseMessage("{")).toEqual({ ok: false, reason: "message is not JSON" });
    expect(parseMessage(JSON.stringify({ ...message, entity: "agents" }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^message does not fit the schema: entity/) });
    expect(parseMessage(JSON.stringify({ ...message, extra: 1 }))).toMatchObject({ ok: false });
    expect(parseMessage("x".repeat(MAX_MESSAGE_BYTES + 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/over the limit/) });
  });
  it("are seen once within the window, and the seen-set stays bounded", () => {
    const seen = new SeenSet(3, 1000);
    expect(seen.add("a", 0)).toBe(true);
    expect(seen.add("a", 10)).toBe(false);
    expect(seen.add("a", 2000)).toBe(true); // the window passed
    for (const id of ["b", "c", "d", "e"]) seen.add(id, 2000);
    expect(seen.size).toBeLessThanOrEqual(3);
  });
});
