import { idText, INT_ID_MAX, serverName } from "@/lib/input";
import { NextResponse } from "next/server";
import { z } from "zod";
import type { Sql } from "@/lib/db/client";
import { requireApiUser } from "@/app/lib/session";
import { authorize, type Permission } from "@/lib/auth/roles";
import { sharedDatabase } from "@/lib/db/shared";
import { handleError } from "./respond";

/**
 * A signed-in GET that answers `read(sql, …)` as JSON: the shape of every list and document route (a `read`
 * that makes its own Response — a CSV file — answers it as is). A bad id or query string thrown as a ZodError
 * by `read` answers 400 with field details; `permission`, when given, narrows who may read (403 for the others).
 */
export function readRoute<P = Record<string, never>>(read: (sql: Sql, call: { request: Request; params: P }) => Promise<unknown>, permission?: Permission) {
  return async function GET(request: Request, context: { params: Promise<P> }) {
    try {
      const user = await requireApiUser();
      if (permission) authorize(user, permission);
      const answer = await read(sharedDatabase().sql, { request, params: await context.params });
      return answer instanceof Response ? answer : NextResponse.json(answer);
    } catch (error) {
      return handleError(error);
    }
  };
}

/** The query string as an object, for a zod schema to check. */
export const queryOf = (request: Request) => Object.fromEntries(new URL(request.url).searchParams);

/**
 * A path id such as /agents/{id} or /config/persons/{dbid}: a positive whole number no larger than its column
 * holds (32-bit unless said), or 400 naming it.
 */
/** A server's name in a path (/servers/{name}…): the one rule for names (lib/input.ts), or 400 naming it. */
export const pathServerName = (value: string) => z.object({ name: serverName }).parse({ name: value }).name;

export const pathId = (name: string, value: string, max: number = INT_ID_MAX) =>
  z.object({ [name]: idText(name, max) }).parse({ [name]: value })[name] as number;
