"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { consoleAnnounce } from "@/app/lib/mesh";
import { verifySession } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { FieldErrors } from "@/lib/console/form";
import { assignSite, assignSites, createSite, deleteSite, updateSite } from "@/lib/console/sites";
import { sharedDatabase } from "@/lib/db/shared";
import { toDomainError } from "@/lib/errors";
import { idText, INT_ID_MAX } from "@/lib/input";

export interface AssignState {
  ok: boolean;
  message: string | null;
}

const form = z.object({
  siteId: idText("site", INT_ID_MAX),
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
    if (!site.changed) {
      return { ok: true, message: site.server ? `${site.name} is synchronized by ${site.server} already.` : `${site.name} is not assigned to a server.` };
    }
    return { ok: true, message: site.server ? `${site.name} is now synchronized by ${site.server}.` : `${site.name} is no longer assigned to a server.` };
  } catch (error) {
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
}

export interface SiteFormState {
  ok: boolean;
  message: string | null;
  fields: Record<string, string>;
}

const optional = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? null : String(value).trim());

/**
 * Organization > Sites > New site, and Edit site when the form carries a siteId (admin only). Problems come
 * back field by field; nothing is saved.
 */
export async function saveSiteAction(_previous: SiteFormState, data: FormData): Promise<SiteFormState> {
  const user = await verifySession();
  try {
    authorize(user, "sites.write");
    const switchText = optional(data.get("switchDbid"));
    const fields = {
      name: String(data.get("name") ?? ""),
      timeZone: String(data.get("timeZone") ?? ""),
      switchDbid: switchText === null ? null : Number(switchText),
      server: optional(data.get("server")),
    };
    const siteId = optional(data.get("siteId"));
    const { sql } = sharedDatabase();
    if (siteId === null) {
      const site = await createSite(sql, fields, await consoleAnnounce());
      revalidatePath("/organization/sites");
      return { ok: true, message: `Site ${site.name} created.`, fields: {} };
    }
    // Edit site posts only the fields changed in the form.
    const changed = Object.fromEntries(Object.entries(fields).filter(([field]) => data.has(field)));
    const id = idText("site", INT_ID_MAX).parse(siteId);
    if (Object.keys(changed).length === 0) return { ok: true, message: "Nothing to save: no field was changed.", fields: {} };
    await updateSite(sql, id, changed, await consoleAnnounce());
    revalidatePath("/organization/sites");
    revalidatePath(`/organization/sites/${id}`);
    return { ok: true, message: "Site saved.", fields: {} };
  } catch (error) {
    if (error instanceof FieldErrors) return { ok: false, message: "The site was not saved: see the fields marked.", fields: error.fields };
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message, fields: {} };
    throw error;
  }
}

const bulkForm = z.object({
  siteIds: z.array(idText("site", INT_ID_MAX)).min(1, "Select the sites to assign first.").max(10_000, "Assign at most 10,000 sites at once."),
  server: z.string().transform((s) => (s.trim() === "" ? null : s.trim())),
});

/** Assigns every selected site to one server, or clears them all, in one transaction (admin only). */
export async function assignSelectedSitesAction(_previous: AssignState, data: FormData): Promise<AssignState> {
  const user = await verifySession();
  try {
    authorize(user, "sites.write");
    const input = bulkForm.safeParse({ siteIds: data.getAll("siteIds"), server: data.get("server") ?? "" });
    if (!input.success) return { ok: false, message: input.error.issues[0]!.message };
    const { sites, changed } = await assignSites(sharedDatabase().sql, input.data, await consoleAnnounce());
    revalidatePath("/organization/sites");
    const what = changed === 1 ? "1 site" : `${changed} sites`;
    const already = sites.length - changed;
    const rest = already === 0 ? "" : ` (${already} ${already === 1 ? "was" : "were"} already)`;
    return {
      ok: true,
      message: input.data.server ? `${what} now synchronized by ${input.data.server}${rest}.` : `${what} no longer assigned to a server${rest}.`,
    };
  } catch (error) {
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
}

/** Deletes a site (admin only); its agents stay, without a site, until a full sync places them. */
export async function deleteSiteAction(_previous: AssignState, data: FormData): Promise<AssignState> {
  const user = await verifySession();
  try {
    authorize(user, "sites.write");
    const id = idText("site", INT_ID_MAX).parse(data.get("siteId"));
    await deleteSite(sharedDatabase().sql, id, await consoleAnnounce());
  } catch (error) {
    const known = toDomainError(error);
    if (known) return { ok: false, message: known.message };
    throw error;
  }
  revalidatePath("/organization/sites");
  redirect("/organization/sites");
}
