"use server";

import { formAction, type Done } from "@/app/lib/form-action";
import type { FormState } from "@/app/lib/form-state";
import { deleteSourceLeaving } from "@/lib/api/source-deletion";
import { createSource } from "@/lib/config/sources";
import { sourceName } from "@/lib/config/source-names";
import { DomainError } from "@/lib/errors";

const addSource = formAction({
  permission: "sources.write",
  parse: (data) => {
    const name = String(data.get("name") ?? "");
    const kind = String(data.get("kind") ?? "local");
    return kind === "replicated" ? { name, kind, connection: String(data.get("connection") ?? "") } : { name, kind };
  },
  invalid: "Not added: see the marked field.",
  run: async ({ input, sql }) => {
    const source = await createSource(sql, input);
    return {
      message: source.replication
        ? `${source.name} added, with schema ${source.schema}, subscribed to ${source.replication.publisher}: the table shows its initial copy, then its streaming. Write its configuration there, and give it a WFM Server.`
        : `${source.name} added, with schema ${source.schema}. Write its configuration with ?source=${source.name} on /api/v1/config, and give it a WFM Server.`,
      revalidate: ["/sources", "/servers"],
    };
  },
});

/**
 * Add a source (admin only): the twin of POST /api/v1/sources, local or replicated; createSource checks the
 * name and the connection and says why beside them. A refused connection string is never sent back to the
 * browser (its password with it): the form keeps what was typed on its own side.
 */
export async function createSourceAction(previous: FormState, data: FormData): Promise<FormState> {
  const state = await addSource(previous, data);
  if (!state.values || !("connection" in state.values)) return state;
  const { connection: _hidden, ...values } = state.values;
  return { ...state, values };
}

const removeSource = formAction({
  permission: "sources.write",
  parse: (data) => ({ name: sourceName().parse(data.get("source")), force: data.get("force") === "true" }),
  run: async ({ input: { name, force }, sql }): Promise<Done & { publisherUnreachable?: boolean }> => {
    let slotLeft;
    try {
      slotLeft = await deleteSourceLeaving(sql, name, { force });
    } catch (error) {
      // deleteSource's own refusal when a replicated source's publisher cannot be reached to drop its slot (a
      // database that is away arrives as a driver error, not a DomainError): offered again with force.
      if (!force && error instanceof DomainError && error.code === "UNAVAILABLE") return { message: error.message, publisherUnreachable: true };
      throw error;
    }
    const query = new URLSearchParams({ deleted: name, ...(slotLeft ? { slot: slotLeft.slot, at: slotLeft.publisher } : {}) });
    return { revalidate: ["/servers"], redirect: `/sources?${query}` };
  },
});

/**
 * Delete a source (admin only): the twin of DELETE /api/v1/sources/{name}; refused while servers or WFM objects
 * need it. When a replicated source's Configuration Database cannot be reached the refusal says so and the
 * form offers to delete anyway (force), after which the page names the slot left there and how to drop it.
 */
export async function deleteSourceAction(
  previous: FormState<{ publisherUnreachable: boolean }>,
  data: FormData,
): Promise<FormState<{ publisherUnreachable: boolean }>> {
  const state = await removeSource(previous, data);
  return state.publisherUnreachable ? { ...state, ok: false } : state;
}
