import { errorResponse } from "../_lib/respond";

export const dynamic = "force-dynamic";

/** Any /api/v1 path that is not an endpoint: a JSON 404 in SPEC §6's shape, not the console's HTML page. */
function unknown(request: Request) {
  const path = new URL(request.url).pathname;
  return errorResponse("NOT_FOUND", `There is no endpoint ${path}; the endpoints are listed in /api/v1/openapi.json.`);
}

export { unknown as GET, unknown as POST, unknown as PUT, unknown as PATCH, unknown as DELETE };
