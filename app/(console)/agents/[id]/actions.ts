"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { verifySession } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { startAgentSync, updateAgent } from "@/lib/console/agents";
import { getRunStatus } from "@/lib/console/runs";
import { sharedDatabase } from "@/lib/db/shared";
import { toDomainError } from "@/lib/errors";
import { idText, INT_ID_MAX } from "@/lib/input";

export interface AgentActionState {
  ok: boolean;
  message: string | null;
  field?: string;
}

const agentIdField = idText("agent", INT_ID_MAX);

const terminationForm = z.object({
  agentId: agentIdField,
  terminated: z.literal("on").optional(),
  terminationDate: z.string().optional(),
});

/** The Termination Date check box and date (SPEC §2.7): supervisors and admins, checked here. */
export async function terminationAction(_previous: AgentActionState, data: FormData): Promise<AgentActionState> {
  const user = await verifySession();
  try {
    authorize(user, "agents.terminate");
    const form = terminationForm.parse(Object.fromEntries(data));
    const date = form.terminated ? (form.terminationDate ?? "").trim() : null;
    if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      return { ok: false, message: "Enter the termination date as a date (YYYY-MM-DD).", field: "terminationDate" };
    }
    const agent = await updateAgent(sharedDatabase().sql, form.agentId, { terminationDate: date });
    if (!agent.changed) {
      return { ok: true, message: date ? `Nothing to save: already terminated as of ${date}.` : "Nothing to save: this agent is not terminated." };
    }
    revalidatePath(`/agents/${form.agentId}`);
    return {
      ok: true,
      message: agent.terminationDate
        ? `Terminated as of ${agent.terminationDate}. Real-time sync leaves this agent alone while it is terminated.`
        : "Reinstated. The next full sync re-reads this agent; Sync now does it at once.",
    };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, message: error.issues[0]!.message, field: "terminationDate" };
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
}

/** "Sync now": a targeted sync of this agent at once (trigger reinstate). */
export async function syncNowAction(_previous: AgentActionState, data: FormData): Promise<AgentActionState> {
  const user = await verifySession();
  try {
    authorize(user, "agents.sync");
    const agentId = agentIdField.parse(data.get("agentId"));
    const { sql } = sharedDatabase();
    const done = await startAgentSync(sql, agentId, user.username, 3000);
    // Wait briefly for the run to finish, so the page shows its result.
    for (let i = 0; i < 40 && done.runId !== null; i++) {
      const status = await getRunStatus(sql, done.runId);
      if (status !== null && status !== "running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    revalidatePath(`/agents/${agentId}`);
    return done.runId !== null ? { ok: true, message: `Synchronized now (run ${done.runId}).` } : { ok: true, message: done.waiting ?? "Queued." };
  } catch (error) {
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
}

const moveForm = z.object({
  agentId: agentIdField,
  siteId: z.union([z.literal(""), idText("site", INT_ID_MAX)], { message: "Choose a site from the list." }),
});

/** Moves the agent to another site or to none (SPEC §2.2: the site is WFM's after import). Administrators only. */
export async function moveAgentAction(_previous: AgentActionState, data: FormData): Promise<AgentActionState> {
  const user = await verifySession();
  try {
    authorize(user, "agents.move");
    const form = moveForm.parse(Object.fromEntries(data));
    const agent = await updateAgent(sharedDatabase().sql, form.agentId, { siteId: form.siteId === "" ? null : form.siteId });
    revalidatePath(`/agents/${form.agentId}`);
    revalidatePath("/organization/sites");
    return {
      ok: true,
      message: agent.site ? `Moved to ${agent.site.name}. Sync keeps it there.` : "No site now. The next full sync places it from its logins.",
    };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, message: error.issues[0]!.message, field: "siteId" };
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message, field: "siteId" };
    throw error;
  }
}
