import { configListQuery, sourceQuery } from "@/lib/config/reference";
import { queryOf } from "../../_lib/read-route";

/**
 * `?source=` of a config route that reads one object or writes: the source's name (`main` when not given), or a
 * ZodError (400) naming the bad value. Whether the source exists is the domain function's to say (404).
 */
export const sourceOf = (request: Request): string => sourceQuery.strict().parse(queryOf(request)).source;

/** `?source=&tenant=&limit=&cursor=` of a config list: the source, and the page of it. */
export function listQueryOf(request: Request) {
  const { source, ...page } = configListQuery.strict().parse(queryOf(request));
  return { source, page };
}
