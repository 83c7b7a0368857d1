/** The skills imported into WFM (SPEC §6.1 "skill"), as the API lists them. */
import type { z } from "zod";
import type { skillShape } from "../api/shapes";
import type { Sql } from "../db/client";

export type SkillView = z.infer<typeof skillShape>;

/** Every skill in WFM, by name (unique across sources), with the source it came from. */
export function listSkills(sql: Sql): Promise<SkillView[]> {
  return sql<SkillView[]>`select source, cfg_dbid as "cfgDbid", tenant_dbid as "tenantDbid", name from wfm.skills order by name`;
}
