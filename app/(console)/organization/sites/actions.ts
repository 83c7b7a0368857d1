"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { consoleAnnounce } from "@/app/lib/mesh";
import { verifySession } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { assignSite, createSite, FieldErrors } from "@/lib/console/sites";
import { sharedDatabase } from "@/lib/db/shared";
import { DomainError } from "@/lib/errors";

export interface AssignState {
  ok: boolean;
  message: string | null;
}

const form = z.object({
  siteId: z.coerce.number().int().positive("Choose a site."),
  server: z.string().transform((s) => (s.trim() === "" ? null : s.trim())),
});

/** Assigns a site to a WFM Server, or clears it: admin only, checked here, whoever calls. */
export async function assignSiteAction(_previous: AssignState, data: FormData): Promise<AssignState> {
  const user = await verifySession();
  try {
    authorize(user, "sites.write");
    const input = form.safeParse({ siteId: data.get("siteId"), server: data.get("server") ?? "" });
    if (!input.success) return { ok: false, message: input.error.issues[0]!.message };
    const site = await assignSite(sharedDatabase().sql, input.data, await consoleAnnounce());
    revalidatePath("/organization/sites");
    return { ok: true, message: site.server ? `${site.name} is now synchronized by ${site.server}.` : `${site.name} is no longer assigned to a server.` };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, message: error.message };
    throw error;
  }
}

export interface SiteFormState {
  ok: boolean;
  message: string | null;
  fields: Record<string, string>;
}

const optional = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? null : String(value).trim());

/** Organization > Sites > New site (admin only). Problems come back field by field; nothing is saved. */
export async function createSiteAction(_previous: SiteFormState, data: FormData): Promise<SiteFormState> {
  const user = await verifySession();
  try {
    authorize(user, "sites.write");
    const switchText = optional(data.get("switchDbid"));
    const site = await createSite(
      sharedDatabase().sql,
      {
        name: String(data.get("name") ?? ""),
        timeZone: String(data.get("timeZone") ?? ""),
        switchDbid: switchText === null ? null : Number(switchText),
        server: optional(data.get("server")),
      },
      await consoleAnnounce(),
    );
    revalidatePath("/organization/sites");
    return { ok: true, message: `Site ${site.name} created.`, fields: {} };
  } catch (error) {
    if (error instanceof FieldErrors) return { ok: false, message: "The site was not saved: see the fields marked.", fields: error.fields };
    if (error instanceof DomainError) return { ok: false, message: error.message, fields: {} };
    throw error;
  }
}
