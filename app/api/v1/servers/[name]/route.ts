import { NextResponse } from "next/server";
import { consoleAnnounce } from "@/app/lib/mesh";
import { requireApiUser } from "@/app/lib/session";
import { deleteServer, listServerStatus, serverOptionsInput, updateServerOptions } from "@/lib/console/servers";
import { sharedDatabase } from "@/lib/db/shared";
import { errorResponse, handleError, bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";
import { pathServerName } from "../../_lib/read-route";

export const dynamic = "force-dynamic";

async function find(name: string) {
  return (await listServerStatus(sharedDatabase().sql)).find((s) => s.name === name);
}

/** GET /api/v1/servers/{name} */
export async function GET(_request: Request, context: { params: Promise<{ name: string }> }) {
  try {
    await requireApiUser();
    const name = pathServerName((await context.params).name);
    const server = await find(name);
    return server ? NextResponse.json(server) : errorResponse("NOT_FOUND", `There is no WFM Server named '${name}'.`);
  } catch (error) {
    return handleError(error);
  }
}

/**
 * PATCH /api/v1/servers/{name} {"syncLevel"?, "syncTimeoutMinutes"?, "cacheSlackSeconds"?, "webEvents"?, "source"?} —
 * what is left out keeps its value; web events take effect when the server next starts. A source it does not
 * know is a 404 naming it; leaving a source while sites of it are assigned to the server, a 409 naming them.
 */
export const PATCH = writeRoute<{ name: string }>("servers.write", async ({ request, params, user }) => {
  const name = pathServerName(params.name);
  const current = await find(name);
  if (!current) return errorResponse("NOT_FOUND", `There is no WFM Server named '${name}'.`);
  const input = serverOptionsInput.partial().strict().parse(await bodyOf(request));
  const merged = {
    syncLevel: input.syncLevel ?? current.syncLevel,
    syncTimeoutMinutes: input.syncTimeoutMinutes ?? current.syncTimeoutMinutes,
    cacheSlackSeconds: input.cacheSlackSeconds === undefined ? current.cacheSlackSeconds : input.cacheSlackSeconds,
    webEvents: input.webEvents,
    source: input.source,
  };
  await updateServerOptions(sharedDatabase().sql, name, merged, user.username, await consoleAnnounce());
  return NextResponse.json(await find(name));
});

/** DELETE /api/v1/servers/{name} — only a server that is not running. */
export const DELETE = writeRoute<{ name: string }>("servers.write", async ({ params, user }) => {
  await deleteServer(sharedDatabase().sql, pathServerName(params.name), user.username, await consoleAnnounce());
  return new NextResponse(null, { status: 204 });
});
