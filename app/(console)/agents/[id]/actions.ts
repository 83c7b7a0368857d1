"use server";

import { z } from "zod";
import { formAction } from "@/app/lib/form-action";
import { startAgentSync, updateAgent } from "@/lib/console/agents";
import { getRunStatus } from "@/lib/console/runs";
import { idText, INT_ID_MAX } from "@/lib/input";

const agentIdField = idText("agent", INT_ID_MAX);

const terminationForm = z
  .object({
    agentId: agentIdField,
    terminated: z.literal("on").optional(),
    terminationDate: z.string().optional(),
  })
  .transform((form) => ({ agentId: form.agentId, terminationDate: form.terminated ? (form.terminationDate ?? "").trim() : null }))
  .refine((form) => form.terminationDate === null || /^\d{4}-\d{2}-\d{2}$/.test(form.terminationDate), {
    path: ["terminationDate"],
    message: "Enter the termination date as a date (YYYY-MM-DD).",
  });

/** The Termination Date check box and date (SPEC §2.7): supervisors and admins, checked here. */
export const terminationAction = formAction({
  permission: "agents.terminate",
  parse: terminationForm,
  run: async ({ user, input: { agentId, terminationDate: date }, sql }) => {
    const agent = await updateAgent(sql, agentId, { terminationDate: date }, user.username);
    if (!agent.changed) {
      return { message: date ? `Nothing to save: already terminated as of ${date}.` : "Nothing to save: this agent is not terminated." };
    }
    return {
      message: agent.terminationDate
        ? `Terminated as of ${agent.terminationDate}. Real-time sync leaves this agent alone while it is terminated.`
        : "Reinstated. The next full sync re-reads this agent; Sync now does it at once.",
      revalidate: [`/agents/${agentId}`],
    };
  },
});

/** "Sync now": a targeted sync of this agent at once (trigger reinstate). */
export const syncNowAction = formAction({
  permission: "agents.sync",
  parse: (data) => agentIdField.parse(data.get("agentId")),
  run: async ({ user, input: agentId, sql }) => {
    const done = await startAgentSync(sql, agentId, user.username, 3000);
    // Wait briefly for the run to finish, so the page shows its result.
    for (let i = 0; i < 40 && done.runId !== null; i++) {
      const status = await getRunStatus(sql, done.runId);
      if (status !== null && status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return { message: done.runId !== null ? `Synchronized now (run ${done.runId}).` : (done.waiting ?? "Queued."), revalidate: [`/agents/${agentId}`] };
  },
});

const moveForm = z.object({
  agentId: agentIdField,
  siteId: z.union([z.literal(""), idText("site", INT_ID_MAX)], { message: "Choose a site from the list." }),
});

/** Moves the agent to another site or to none (SPEC §2.2: the site is WFM's after import). Administrators only. */
export const moveAgentAction = formAction({
  permission: "agents.move",
  parse: moveForm,
  run: async ({ user, input, sql }) => {
    const agent = await updateAgent(sql, input.agentId, { siteId: input.siteId === "" ? null : input.siteId }, user.username);
    return {
      message: agent.site ? `Moved to ${agent.site.name}. Sync keeps it there.` : "No site now. The next full sync places it from its logins.",
      revalidate: [`/agents/${input.agentId}`, "/organization/sites"],
    };
  },
});
