/**
 * Mesh messages: "this cached content changed". Checked with zod and size-limited before anything trusts
 * them.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

export const CACHED = ["servers", "sites", "skills", "time_zones"] as const;
export type CachedEntity = (typeof CACHED)[number];

/** Larger messages are dropped (and logged) unread. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

export const meshMessage = z.strictObject({
  type: z.literal("invalidate"),
  id: z.uuid(),
  origin: z.string().min(1).max(200),
  entity: z.enum(CACHED),
  keys: z.array(z.union([z.string().max(200), z.number().int()])).max(1000),
  version: z.number().int().nonnegative(),
  sentAt: z.number(),
});
export type MeshMessage = z.infer<typeof meshMessage>;

export function invalidation(origin: string, entity: CachedEntity, keys: (string | number)[], version: number): MeshMessage {
  return { type: "invalidate", id: randomUUID(), origin, entity, keys, version, sentAt: Date.now() };
}

export type Parsed = { ok: true; message: MeshMessage } | { ok: false; reason: string };

export function parseMessage(data: Buffer | string): Parsed {
  const size = typeof data === "string" ? Buffer.byteLength(data) : data.length;
  if (size > MAX_MESSAGE_BYTES) return { ok: false, reason: `message of ${size} bytes is over the limit of ${MAX_MESSAGE_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(data.toString());
  } catch {
    return { ok: false, reason: "message is not JSON" };
  }
  const parsed = meshMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `message does not fit the schema: ${issue.path.join(".") || "(root)"}: ${issue.message}` };
  }
  return { ok: true, message: parsed.data };
}

/** Ids of messages already seen: bounded in size and in time, so a long-running server does not grow. */
export class SeenSet {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly max = 100_000,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /** true the first time an id is offered (within the window), false after. */
  add(id: string, now = Date.now()): boolean {
    const expires = this.seen.get(id);
    if (expires !== undefined && expires > now) return false;
    this.seen.set(id, now + this.ttlMs);
    if (this.seen.size > this.max) {
      // Maps keep insertion order: the oldest entries are first.
      for (const [key, at] of this.seen) {
        if (this.seen.size <= this.max && at > now) break;
        this.seen.delete(key);
      }
    }
    return true;
  }

  get size() {
    return this.seen.size;
  }
}
