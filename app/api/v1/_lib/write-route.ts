import type { NextResponse } from "next/server";
import { apiCaller } from "@/app/lib/session";
import { authorize, type Permission } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/sessions";
import { handleError, sameOrigin } from "./respond";

/**
 * A write route: signed in (cookie or bearer token), same origin for cookies, allowed by role — then the handler; any DomainError becomes SPEC
 * §6's error shape. The same checks the server actions make, in one place for every REST write.
 */
export function writeRoute<P = Record<string, never>>(permission: Permission, handler: (args: { request: Request; params: P; user: SessionUser }) => Promise<NextResponse>) {
  return async (request: Request, context: { params: Promise<P> }) => {
    try {
      const { user } = await apiCaller();
      const refused = sameOrigin(request);
      if (refused) return refused;
      authorize(user, permission);
      return await handler({ request, params: await context.params, user });
    } catch (error) {
      return handleError(error);
    }
  };
}
