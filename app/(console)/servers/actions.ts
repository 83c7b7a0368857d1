"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { verifySession } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { startFullSync } from "@/lib/console/full-sync";
import { updateServerOptions } from "@/lib/console/servers";
import { FieldErrors } from "@/lib/console/form";
import { consoleAnnounce } from "@/app/lib/mesh";
import { sharedDatabase } from "@/lib/db/shared";
import { toDomainError } from "@/lib/errors";

export interface FullSyncState {
  ok: boolean;
  message: string | null;
  runId: number | null;
}

/** "Run full sync": admin only, checked here whoever calls; the twin of POST /api/v1/servers/{name}/full-sync. */
export async function runFullSyncAction(_previous: FullSyncState, data: FormData): Promise<FullSyncState> {
  const user = await verifySession();
  try {
    authorize(user, "servers.fullSync");
    const server = z.string().trim().min(1, "Choose a WFM Server.").safeParse(data.get("server"));
    if (!server.success) return { ok: false, message: server.error.issues[0]!.message, runId: null };
    const started = await startFullSync(sharedDatabase().sql, server.data, user.username);
    revalidatePath("/servers");
    revalidatePath("/sync");
    return started.runId !== null
      ? { ok: true, message: `Full sync started (run ${started.runId}).`, runId: started.runId }
      : { ok: true, message: started.waiting ?? "Queued.", runId: null };
  } catch (error) {
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message, runId: null };
    throw error;
  }
}

export interface OptionsState {
  ok: boolean;
  message: string | null;
  fields: Record<string, string>;
}

const numberOrNaN = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? Number.NaN : Number(value));

/** A server's options on the Servers page (admin only); problems come back by field and nothing is saved. */
export async function serverOptionsAction(_previous: OptionsState, data: FormData): Promise<OptionsState> {
  const user = await verifySession();
  try {
    authorize(user, "servers.write");
    const name = String(data.get("server") ?? "");
    const slack = String(data.get("cacheSlackSeconds") ?? "").trim();
    await updateServerOptions(
      sharedDatabase().sql,
      name,
      {
        syncLevel: numberOrNaN(data.get("syncLevel")),
        syncTimeoutMinutes: numberOrNaN(data.get("syncTimeoutMinutes")),
        cacheSlackSeconds: slack === "" ? null : Number(slack),
        webEvents: data.get("webEvents") === "on",
      },
      await consoleAnnounce(),
    );
    revalidatePath("/servers");
    return { ok: true, message: `Options of ${name} saved.`, fields: {} };
  } catch (error) {
    if (error instanceof FieldErrors) return { ok: false, message: "Not saved: see the fields marked.", fields: error.fields };
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message, fields: {} };
    throw error;
  }
}
