"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { verifySession } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { importUsers, setPassword, setRole } from "@/lib/console/users";
import { createToken, revokeToken } from "@/lib/auth/tokens";
import { sharedDatabase } from "@/lib/db/shared";
import { toDomainError } from "@/lib/errors";

export interface UserActionState {
  ok: boolean;
  message: string | null;
}

async function run(work: () => Promise<string>): Promise<UserActionState> {
  const user = await verifySession();
  try {
    authorize(user, "users.write");
    const message = await work();
    revalidatePath("/users");
    return { ok: true, message };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, message: error.issues[0]!.message };
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
}

/** Users > Import: persons from cfg, with a role (admin only). */
export async function importUsersAction(_previous: UserActionState, data: FormData): Promise<UserActionState> {
  return run(async () => {
    const cfgDbids = data.getAll("cfgDbid").map(Number);
    const result = await importUsers(sharedDatabase().sql, { cfgDbids, role: String(data.get("role") ?? "") as "viewer" });
    return `Imported ${result.imported.join(", ") || "nobody"}${result.already ? ` (${result.already} already users)` : ""}.`;
  });
}

export async function setRoleAction(_previous: UserActionState, data: FormData): Promise<UserActionState> {
  return run(async () => {
    await setRole(sharedDatabase().sql, { userId: Number(data.get("userId")), role: String(data.get("role") ?? "") as "viewer" });
    return "Role saved.";
  });
}

export async function setPasswordAction(_previous: UserActionState, data: FormData): Promise<UserActionState> {
  return run(async () => {
    await setPassword(sharedDatabase().sql, { userId: Number(data.get("userId")), password: String(data.get("password") ?? "") });
    return "Password set; the user's sessions were ended.";
  });
}

export interface TokenState extends UserActionState {
  token: string | null;
}

/** Creates an API token acting as a user; the plain token is returned once, to be shown once. */
export async function createTokenAction(_previous: TokenState, data: FormData): Promise<TokenState> {
  const me = await verifySession();
  let token: string | null = null;
  const result = await run(async () => {
    const created = await createToken(sharedDatabase().sql, { name: String(data.get("name") ?? ""), userId: Number(data.get("userId")) }, me.username);
    token = created.token;
    return "Token created. Copy it now: it is not shown again.";
  });
  return { ...result, token };
}

export async function revokeTokenAction(_previous: UserActionState, data: FormData): Promise<UserActionState> {
  return run(async () => {
    await revokeToken(sharedDatabase().sql, data.get("tokenId"));
    return "Token revoked.";
  });
}
