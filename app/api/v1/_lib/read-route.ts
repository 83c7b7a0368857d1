import { NextResponse } from "next/server";
import type { Sql } from "@/lib/db/client";
import { requireApiUser } from "@/app/lib/session";
import { sharedDatabase } from "@/lib/db/shared";
import { handleError } from "./respond";

/** A signed-in GET that answers `read(sql)` as JSON: the shape of every simple list and document route. */
export function readRoute<T>(read: (sql: Sql) => Promise<T>) {
  return async function GET() {
    try {
      await requireApiUser();
      return NextResponse.json(await read(sharedDatabase().sql));
    } catch (error) {
      return handleError(error);
    }
  };
}
