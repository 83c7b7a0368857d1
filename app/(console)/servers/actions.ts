"use server";

import { z } from "zod";
import { formAction } from "@/app/lib/form-action";
import { consoleAnnounce } from "@/app/lib/mesh";
import { startFullSync } from "@/lib/console/full-sync";
import { createServer, deleteServer, updateServerOptions } from "@/lib/console/servers";
import { serverName } from "@/lib/input";

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

const optionsOf = (data: FormData) => {
  const slack = String(data.get("cacheSlackSeconds") ?? "").trim();
  return {
    syncLevel: numberOrNaN(data.get("syncLevel")),
    syncTimeoutMinutes: numberOrNaN(data.get("syncTimeoutMinutes")),
    cacheSlackSeconds: slack === "" ? null : Number(slack),
    webEvents: data.get("webEvents") === "on",
    // Left out (a form without the field): the source stays as it is.
    source: String(data.get("source") ?? "").trim() || undefined,
  };
};

/** New server (admin only): registers it before its first start; the twin of POST /api/v1/servers. */
export const createServerAction = formAction({
  permission: "servers.write",
  parse: (data) => ({ name: String(data.get("name") ?? ""), ...optionsOf(data) }),
  invalid: "Not created: see the fields marked.",
  run: async ({ user, input, sql }) => {
    const name = await createServer(sql, input, user.username, await consoleAnnounce());
    return {
      message: `${name} registered. It synchronizes nothing until its process runs.`,
      command: `npm run wfm-server -- --name ${name}${input.source && input.source !== "main" ? ` --source ${input.source}` : ""}`,
      revalidate: ["/servers", "/organization/sites"],
    };
  },
});

/** Delete server (admin only): refused while it runs; the twin of DELETE /api/v1/servers/{name}. */
export const deleteServerAction = formAction({
  permission: "servers.write",
  parse: (data) => serverName.parse(data.get("server")),
  run: async ({ user, input: name, sql }) => {
    await deleteServer(sql, name, user.username, await consoleAnnounce());
    return { message: `${name} deleted.`, revalidate: ["/organization/sites"], redirect: `/servers?deleted=${encodeURIComponent(name)}` };
  },
});

/** A server's options on the Servers page (admin only); updateServerOptions refuses them by field, and saves nothing then. */
export const serverOptionsAction = formAction({
  permission: "servers.write",
  parse: (data) => ({ name: String(data.get("server") ?? ""), options: optionsOf(data) }),
  invalid: "Not saved: see the fields marked.",
  run: async ({ user, input: { name, options }, sql }) => {
    await updateServerOptions(sql, name, options, user.username, await consoleAnnounce());
    return { message: `Options of ${name} saved.`, revalidate: ["/servers"] };
  },
});
