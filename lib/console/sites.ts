/**
 * Writes to sites (SPEC §5 Organization > Sites). Each write bumps the site's cache version (a trigger does,
 * in the same transaction) and is then announced on the mesh, so every connected WFM Server uses it at once.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import type { CachedEntity } from "../mesh/message";

/** Where the console announces its writes (the mesh, when it has joined one); a no-op otherwise. */
export type Announce = (entity: CachedEntity, keys: (string | number)[], version: number) => void;
const nobody: Announce = () => {};

export const assignSiteInput = z.object({
  siteId: z.number().int().positive("a site is named by its id, a positive whole number"),
  server: z.string().trim().min(1, "name a WFM Server, or choose none").nullable(),
});

/** Assigns a site to a WFM Server, or clears its assignment (server null). */
export async function assignSite(sql: Sql, input: z.input<typeof assignSiteInput>, announce: Announce = nobody) {
  const { siteId, server } = assignSiteInput.parse(input);
  const [row] = await sql.begin(async (tx) => {
    if (server !== null) {
      const [known] = await tx`select 1 from wfm.servers where name = ${server}`;
      if (!known) throw new DomainError("NOT_FOUND", `There is no WFM Server named '${server}'.`, { field: "server" });
    }
    const rows = await tx<{ id: number; name: string; server: string | null }[]>`
      update wfm.sites set server = ${server}, updated_at = now() where id = ${siteId} returning id, name, server`;
    if (!rows[0]) throw new DomainError("NOT_FOUND", `There is no site with id ${siteId}.`, { field: "siteId" });
    // The sites version this write made (the counter is ours until commit): what the mesh announces.
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'sites'`) as unknown as [{ version: number }];
    return [{ ...rows[0], version: Number(version) }];
  });
  announce("sites", [row!.id], row!.version);
  return row!;
}
