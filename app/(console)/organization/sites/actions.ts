"use server";

import { z } from "zod";
import { formAction } from "@/app/lib/form-action";
import { consoleAnnounce } from "@/app/lib/mesh";
import { siteConsequence } from "@/lib/console/effective-server";
import { getSite } from "@/lib/console/overview";
import { assignSite, assignSites, createSite, deleteSite, updateSite } from "@/lib/console/sites";
import { idText, INT_ID_MAX } from "@/lib/input";

const siteIdField = idText("site", INT_ID_MAX);
const serverField = z.string().transform((s) => (s.trim() === "" ? null : s.trim()));

const form = z.object({ siteId: siteIdField, server: serverField });

/** Assigns a site to a WFM Server, or clears it: admin only, checked here, whoever calls. */
export const assignSiteAction = formAction({
  permission: "sites.write",
  parse: (data) => form.parse({ siteId: data.get("siteId"), server: data.get("server") ?? "" }),
  run: async ({ user, input, sql }) => {
    const site = await assignSite(sql, input, user.username, await consoleAnnounce());
    const revalidate = ["/organization/sites"];
    // What the assignment means for the site's agents when that is not "synchronized now" (a stopped server,
    // level 0, no level-2 server to fall back on).
    const consequence = siteConsequence(await getSite(sql, site.id));
    const said = !site.changed
      ? site.server ? `${site.name} is synchronized by ${site.server} already.` : `${site.name} is not assigned to a server.`
      : site.server ? `${site.name} is now synchronized by ${site.server}.` : `${site.name} is no longer assigned to a server.`;
    return { message: consequence ? `${said} ${consequence}` : said, revalidate };
  },
});

const optional = (value: FormDataEntryValue | null) => (value === null || String(value).trim() === "" ? null : String(value).trim());

/**
 * Organization > Sites > New site, and Edit site when the form carries a siteId (admin only). createSite and
 * updateSite refuse the fields one by one; nothing is saved then.
 */
export const saveSiteAction = formAction({
  permission: "sites.write",
  parse: (data) => {
    // The switch picker posts `source:dbid` (site-form.tsx); a bare dbid is a switch of main.
    const switchText = optional(data.get("switchDbid"));
    const [switchSource, switchDbid] = switchText === null ? [null, null] : switchText.includes(":") ? switchText.split(":", 2) : ["main", switchText];
    const fields = {
      name: String(data.get("name") ?? ""),
      timeZone: String(data.get("timeZone") ?? ""),
      switchSource,
      switchDbid: switchDbid === null ? null : Number(switchDbid),
      server: optional(data.get("server")),
    };
    // Edit site posts only the fields changed in the form (the switch's source goes with its dbid).
    const posted = (field: string) => data.has(field === "switchSource" ? "switchDbid" : field);
    return { siteId: optional(data.get("siteId")), fields, changed: Object.fromEntries(Object.entries(fields).filter(([field]) => posted(field))) };
  },
  invalid: "The site was not saved: see the fields marked.",
  run: async ({ user, input: { siteId, fields, changed }, sql }) => {
    if (siteId === null) {
      const site = await createSite(sql, fields, user.username, await consoleAnnounce());
      return { message: `Site ${site.name} created.`, revalidate: ["/organization/sites"] };
    }
    const id = siteIdField.parse(siteId);
    if (Object.keys(changed).length === 0) return { message: "Nothing to save: no field was changed." };
    await updateSite(sql, id, changed, user.username, await consoleAnnounce());
    return { message: "Site saved.", revalidate: ["/organization/sites", `/organization/sites/${id}`] };
  },
});

const bulkForm = z.object({
  siteIds: z.array(siteIdField).min(1, "Select the sites to assign first.").max(10_000, "Assign at most 10,000 sites at once."),
  server: serverField,
});

/** Assigns every selected site to one server, or clears them all, in one transaction (admin only). */
export const assignSelectedSitesAction = formAction({
  permission: "sites.write",
  parse: (data) => bulkForm.parse({ siteIds: data.getAll("siteIds"), server: data.get("server") ?? "" }),
  run: async ({ user, input, sql }) => {
    const { sites, changed } = await assignSites(sql, input, user.username, await consoleAnnounce());
    const what = changed === 1 ? "1 site" : `${changed} sites`;
    const already = sites.length - changed;
    const rest = already === 0 ? "" : ` (${already} ${already === 1 ? "was" : "were"} already)`;
    return {
      message: input.server ? `${what} now synchronized by ${input.server}${rest}.` : `${what} no longer assigned to a server${rest}.`,
      revalidate: ["/organization/sites"],
    };
  },
});

/** Deletes a site (admin only); its agents stay, without a site, until a full sync places them. */
export const deleteSiteAction = formAction({
  permission: "sites.write",
  parse: (data) => siteIdField.parse(data.get("siteId")),
  run: async ({ user, input: id, sql }) => {
    await deleteSite(sql, id, user.username, await consoleAnnounce());
    return { revalidate: ["/organization/sites"], redirect: "/organization/sites" };
  },
});
