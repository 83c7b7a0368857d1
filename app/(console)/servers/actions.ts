"use server";

import { z } from "zod";
import { formAction } from "@/app/lib/form-action";
import { consoleAnnounce } from "@/app/lib/mesh";
import { startFullSync } from "@/lib/console/full-sync";
import { updateServerOptions } from "@/lib/console/servers";

/** "Run full sync": admin only, checked here whoever calls; the twin of POST /api/v1/servers/{name}/full-sync. */
export const runFullSyncAction = formAction({
  permission: "servers.fullSync",
  parse: (data) => z.string().trim().min(1, "Choose a WFM Server.").parse(data.get("server")),
  run: async ({ user, input: server, sql }) => {
    const started = await startFullSync(sql, server, user.username);
    return {
      message: started.runId !== null ? `Full sync started (run ${started.runId}).` : (started.waiting ?? "Queued."),
      runId: started.runId,
      revalidate: ["/servers", "/sync"],
    };
  },
});

const numberOrNaN = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? Number.NaN : Number(value));

/** A server's options on the Servers page (admin only); updateServerOptions refuses them by field, and saves nothing then. */
export const serverOptionsAction = formAction({
  permission: "servers.write",
  parse: (data) => {
    const slack = String(data.get("cacheSlackSeconds") ?? "").trim();
    return {
      name: String(data.get("server") ?? ""),
      options: {
        syncLevel: numberOrNaN(data.get("syncLevel")),
        syncTimeoutMinutes: numberOrNaN(data.get("syncTimeoutMinutes")),
        cacheSlackSeconds: slack === "" ? null : Number(slack),
        webEvents: data.get("webEvents") === "on",
      },
    };
  },
  invalid: "Not saved: see the fields marked.",
  run: async ({ input: { name, options }, sql }) => {
    await updateServerOptions(sql, name, options, await consoleAnnounce());
    return { message: `Options of ${name} saved.`, revalidate: ["/servers"] };
  },
});
