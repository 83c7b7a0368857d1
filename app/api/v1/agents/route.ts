import { agentSearch, searchAgents } from "@/lib/console/agents";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/agents?q=&site=&terminated=&terminationSource=&awaitingFullSync=&source=&cfgDbid=&limit=&cursor= (or before=)
 * — one page of agents, by id. `source` narrows to one configuration source (unknown: 404 naming it).
 */
export const GET = readRoute((sql, { request }) => searchAgents(sql, agentSearch.strict().parse(queryOf(request))));
