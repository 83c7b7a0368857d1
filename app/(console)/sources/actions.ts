"use server";

import { formAction } from "@/app/lib/form-action";
import { createSource, deleteSource } from "@/lib/config/sources";
import { sourceName } from "@/lib/config/source-names";

/** Add a local source (admin only): the twin of POST /api/v1/sources; createSource checks the name and says why beside it. */
export const createSourceAction = formAction({
  permission: "sources.write",
  parse: (data) => ({ name: String(data.get("name") ?? ""), kind: "local" }),
  invalid: "Not added: see the name.",
  run: async ({ input, sql }) => {
    const source = await createSource(sql, input);
    return {
      message: `${source.name} added, with schema ${source.schema}. Write its configuration with ?source=${source.name} on /api/v1/config, and give it a WFM Server.`,
      revalidate: ["/sources", "/servers"],
    };
  },
});

/** Delete a source (admin only): the twin of DELETE /api/v1/sources/{name}; refused while servers or WFM objects need it. */
export const deleteSourceAction = formAction({
  permission: "sources.write",
  parse: (data) => sourceName().parse(data.get("source")),
  run: async ({ input: name, sql }) => {
    await deleteSource(sql, name);
    return { revalidate: ["/servers"], redirect: `/sources?deleted=${encodeURIComponent(name)}` };
  },
});
