/**
 * REST v1 for the Configuration Database writer (SPEC §6 `/api/v1/config/...`, §6.1 cfg shapes): tenants,
 * switches, skills, time zones and persons with logins and skill levels are created, changed, listed in pages
 * and deleted; what is written reaches WFM through the change feed (the bundled WFMServer is level 2, so skills
 * and time zones too). Then every kind of refusal: 401, 403 for a viewer, 400 with field details, 404, 409.
 *
 * Everything is created under a tenant of its own with unique names, and removed again at the end, so the demo
 * data the later specs count on (4 sites, 1,000 agents, one duplicate-name collision) is as it was.
 */
import { expect, test } from "@playwright/test";
import type { z } from "zod";
import type * as shape from "../lib/api/shapes";
import { hashPassword } from "../lib/auth/password";
import { adminPassword, expectError, productDatabase, signIn } from "./helpers";

type Person = z.infer<typeof shape.cfgPersonShape>;
type Agent = z.infer<typeof shape.agentShape>;

test("cfg objects and a person are written over REST, and sync carries them into WFM", async ({ playwright, baseURL }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const sql = await productDatabase();
  let tenantDbid: number | undefined;
  let siteId: number | undefined;
  let personDbid: number | undefined;
  try {
    // A tenant, created and renamed.
    const tenant = await admin.post("/api/v1/config/tenants", { data: { name: `E2E Tenant ${stamp}` } });
    expect(tenant.status(), await tenant.text()).toBe(201);
    const tenantBody = await tenant.json();
    expect(tenantBody).toEqual({ dbid: expect.any(Number), name: `E2E Tenant ${stamp}` });
    tenantDbid = tenantBody.dbid as number;
    const renamedTenant = await admin.patch(`/api/v1/config/tenants/${tenantDbid}`, { data: { name: `E2E Tenant ${stamp} renamed` } });
    expect(renamedTenant.status()).toBe(200);
    expect(await renamedTenant.json()).toEqual({ dbid: tenantDbid, name: `E2E Tenant ${stamp} renamed` });
    expect(await (await admin.get(`/api/v1/config/tenants/${tenantDbid}`)).json()).toEqual({ dbid: tenantDbid, name: `E2E Tenant ${stamp} renamed` });

    // A switch, two skills and a time zone in it.
    const sw = await admin.post("/api/v1/config/switches", { data: { tenantDbid, name: `SW-E2E-${stamp}` } });
    expect(sw.status(), await sw.text()).toBe(201);
    const switchBody = await sw.json();
    expect(switchBody).toEqual({ dbid: expect.any(Number), tenantDbid, name: `SW-E2E-${stamp}` });
    const switchDbid = switchBody.dbid as number;
    const patchedSwitch = await admin.patch(`/api/v1/config/switches/${switchDbid}`, { data: { name: `SW-E2E-${stamp}-B` } });
    expect(await patchedSwitch.json()).toEqual({ dbid: switchDbid, tenantDbid, name: `SW-E2E-${stamp}-B` });

    const skillIds: number[] = [];
    for (const name of [`E2E Skill A ${stamp}`, `E2E Skill B ${stamp}`]) {
      const skill = await admin.post("/api/v1/config/skills", { data: { tenantDbid, name } });
      expect(skill.status(), await skill.text()).toBe(201);
      const body = await skill.json();
      expect(body).toEqual({ dbid: expect.any(Number), tenantDbid, name });
      skillIds.push(body.dbid);
    }
    const [skillA, skillB] = skillIds as [number, number];
    const skillAName = `E2E Skill A ${stamp} renamed`;
    const skillBName = `E2E Skill B ${stamp}`;
    const renamedSkill = await admin.patch(`/api/v1/config/skills/${skillA}`, { data: { name: skillAName } });
    expect(renamedSkill.status()).toBe(200);
    expect(await renamedSkill.json()).toEqual({ dbid: skillA, tenantDbid, name: skillAName });
    expect(await (await admin.get(`/api/v1/config/skills/${skillA}`)).json()).toEqual({ dbid: skillA, tenantDbid, name: skillAName });

    const zoneName = `E2E Zone ${stamp}`;
    const zone = await admin.post("/api/v1/config/time-zones", { data: { tenantDbid, name: zoneName, ianaName: "Europe/Oslo" } });
    expect(zone.status(), await zone.text()).toBe(201);
    const zoneBody = await zone.json();
    expect(zoneBody).toEqual({ dbid: expect.any(Number), tenantDbid, name: zoneName, ianaName: "Europe/Oslo" });
    const zoneDbid = zoneBody.dbid as number;
    const patchedZone = await admin.patch(`/api/v1/config/time-zones/${zoneDbid}`, { data: { ianaName: "Europe/Stockholm" } });
    expect(patchedZone.status()).toBe(200);
    expect(await patchedZone.json()).toEqual({ dbid: zoneDbid, tenantDbid, name: zoneName, ianaName: "Europe/Stockholm" });
    expect(await (await admin.get(`/api/v1/config/time-zones/${zoneDbid}`)).json()).toMatchObject({ ianaName: "Europe/Stockholm" });

    // Lists page by dbid: {items, next}; ?tenant= narrows to one tenant.
    const page1 = await admin.get(`/api/v1/config/skills?tenant=${tenantDbid}&limit=1`);
    expect(page1.status()).toBe(200);
    const page1Body = await page1.json();
    expect(page1Body).toEqual({ items: [{ dbid: skillA, tenantDbid, name: skillAName }], next: expect.any(String) });
    const page2Body = await (await admin.get(`/api/v1/config/skills?tenant=${tenantDbid}&limit=1&cursor=${encodeURIComponent(page1Body.next)}`)).json();
    expect(page2Body).toEqual({ items: [{ dbid: skillB, tenantDbid, name: skillBName }], next: null });
    expect(await (await admin.get(`/api/v1/config/switches?tenant=${tenantDbid}`)).json()).toEqual({
      items: [{ dbid: switchDbid, tenantDbid, name: `SW-E2E-${stamp}-B` }],
      next: null,
    });
    expect(await (await admin.get(`/api/v1/config/time-zones?tenant=${tenantDbid}&limit=5`)).json()).toEqual({
      items: [{ dbid: zoneDbid, tenantDbid, name: zoneName, ianaName: "Europe/Stockholm" }],
      next: null,
    });
    // Every tenant, one page at a time, ends with our tenant and next null.
    const tenants: { dbid: number; name: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { dbid: number; name: string }[]; next: string | null } = await (
        await admin.get(`/api/v1/config/tenants?limit=1${cursor ? `&cursor=${cursor}` : ""}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(1);
      tenants.push(...page.items);
      cursor = page.next;
    } while (cursor !== null && tenants.length < 100);
    expect(tenants.length).toBeGreaterThanOrEqual(3); // the demo's two and ours
    expect(tenants.map((t) => t.dbid)).toEqual([...tenants.map((t) => t.dbid)].sort((a, b) => a - b));
    expect(tenants.at(-1)).toEqual({ dbid: tenantDbid, name: `E2E Tenant ${stamp} renamed` });

    // Level 2: the new skills and time zone reach WFM through the feed, with the changed names, from source main.
    await expect
      .poll(async () => ((await (await admin.get("/api/v1/time-zones")).json()).items as { name: string }[]).find((z) => z.name === zoneName))
      .toEqual({ source: "main", cfgDbid: zoneDbid, tenantDbid, name: zoneName, ianaName: "Europe/Stockholm" });
    await expect
      .poll(async () =>
        ((await (await admin.get("/api/v1/skills")).json()).items as { cfgDbid: number }[]).filter((s) => s.cfgDbid === skillA || s.cfgDbid === skillB),
      )
      .toEqual([
        { source: "main", cfgDbid: skillA, tenantDbid, name: skillAName },
        { source: "main", cfgDbid: skillB, tenantDbid, name: skillBName },
      ]);

    // A WFM site on the new switch, in the new time zone, before the person exists.
    const siteName = `E2E Config Site ${stamp}`;
    const site = await admin.post("/api/v1/sites", { data: { name: siteName, timeZone: zoneName, switchDbid, server: "WFMServer" } });
    expect(site.status(), await site.text()).toBe(201);
    siteId = (await site.json()).id as number;
    expect(await (await admin.get(`/api/v1/sites/${siteId}`)).json()).toMatchObject({
      id: siteId,
      name: siteName,
      timeZone: zoneName,
      switchDbid,
      server: "WFMServer",
      agentCount: 0,
    });

    // A person with a login and a skill level inline.
    const username = `e2e.cfg.${stamp}`;
    const created = await admin.post("/api/v1/config/persons", {
      data: {
        tenantDbid,
        username,
        firstName: "Cora",
        lastName: "Config",
        email: `cora.${stamp}@example.com`,
        employeeId: `E${stamp}`,
        logins: [{ switchDbid, code: `L${stamp}` }],
        skills: [{ skillDbid: skillA, level: 5 }],
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const person = (await created.json()) as Person;
    expect(person).toEqual({
      dbid: expect.any(Number),
      tenantDbid,
      username,
      firstName: "Cora",
      lastName: "Config",
      email: `cora.${stamp}@example.com`,
      employeeId: `E${stamp}`,
      isAgent: true,
      logins: [{ switchDbid, code: `L${stamp}` }],
      skills: [{ skillDbid: skillA, level: 5 }],
    });
    personDbid = person.dbid;
    expect(await (await admin.get(`/api/v1/config/persons/${personDbid}`)).json()).toEqual(person);
    expect(await (await admin.get(`/api/v1/config/persons?tenant=${tenantDbid}`)).json()).toEqual({ items: [person], next: null });

    const agentOf = async (): Promise<Agent | undefined> => {
      const response = await admin.get(`/api/v1/agents?cfgDbid=${personDbid}`);
      expect(response.status()).toBe(200);
      const body = await response.json();
      expect(body.items.length).toBeLessThanOrEqual(1);
      return body.items[0];
    };
    // Real-time sync imports the agent into the site on its login's switch, with its skill.
    await expect
      .poll(agentOf, { timeout: 30_000 })
      .toMatchObject({
        cfgDbid: personDbid,
        tenantDbid,
        username,
        firstName: "Cora",
        lastName: "Config",
        email: `cora.${stamp}@example.com`,
        employeeId: `E${stamp}`,
        site: { id: siteId, name: siteName },
        terminationDate: null,
        terminationSource: null,
        skills: [{ name: skillAName, level: 5 }],
      });

    // PATCH: given lists replace the old ones.
    const patched = await admin.patch(`/api/v1/config/persons/${personDbid}`, {
      data: { firstName: "Corinna", logins: [{ switchDbid, code: `M${stamp}` }], skills: [{ skillDbid: skillB, level: 7 }] },
    });
    expect(patched.status(), await patched.text()).toBe(200);
    expect(await patched.json()).toEqual({
      ...person,
      firstName: "Corinna",
      logins: [{ switchDbid, code: `M${stamp}` }],
      skills: [{ skillDbid: skillB, level: 7 }],
    });
    await expect.poll(agentOf, { timeout: 30_000 }).toMatchObject({ firstName: "Corinna", site: { id: siteId }, skills: [{ name: skillBName, level: 7 }] });

    // One skill level set, then the other removed.
    const put = await admin.put(`/api/v1/config/persons/${personDbid}/skills/${skillA}`, { data: { level: 3 } });
    expect(put.status(), await put.text()).toBe(200);
    expect((await put.json()).skills).toEqual([
      { skillDbid: skillA, level: 3 },
      { skillDbid: skillB, level: 7 },
    ]);
    await expect.poll(async () => (await agentOf())?.skills, { timeout: 30_000 }).toEqual([
      { name: skillAName, level: 3 },
      { name: skillBName, level: 7 },
    ]);
    const changedLevel = await admin.put(`/api/v1/config/persons/${personDbid}/skills/${skillB}`, { data: { level: 9 } });
    expect((await changedLevel.json()).skills).toEqual([
      { skillDbid: skillA, level: 3 },
      { skillDbid: skillB, level: 9 },
    ]);
    expect((await admin.delete(`/api/v1/config/persons/${personDbid}/skills/${skillA}`)).status()).toBe(204);
    await expectError(await admin.delete(`/api/v1/config/persons/${personDbid}/skills/${skillA}`), 404, "NOT_FOUND");
    expect((await (await admin.get(`/api/v1/config/persons/${personDbid}`)).json()).skills).toEqual([{ skillDbid: skillB, level: 9 }]);
    await expect.poll(async () => (await agentOf())?.skills, { timeout: 30_000 }).toEqual([{ name: skillBName, level: 9 }]);

    // The person goes: sync terminates the agent (source config); the agent stays in its site.
    expect((await admin.delete(`/api/v1/config/persons/${personDbid}`)).status()).toBe(204);
    await expectError(await admin.get(`/api/v1/config/persons/${personDbid}`), 404, "NOT_FOUND");
    await expectError(await admin.delete(`/api/v1/config/persons/${personDbid}`), 404, "NOT_FOUND");
    await expect
      .poll(agentOf, { timeout: 30_000 })
      .toMatchObject({ terminationDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), terminationSource: "config", site: { id: siteId } });
  } finally {
    // Leave the product as the other specs expect it: our site, our tenant (with what cascades from it) and the
    // agent row that only this test made are gone.
    if (siteId !== undefined) expect((await admin.delete(`/api/v1/sites/${siteId}`)).status()).toBe(204);
    if (tenantDbid !== undefined) {
      expect((await admin.delete(`/api/v1/config/tenants/${tenantDbid}`)).status()).toBe(204);
      const gone = tenantDbid;
      await expect
        .poll(async () => ((await (await admin.get("/api/v1/skills")).json()).items as { tenantDbid: number }[]).filter((s) => s.tenantDbid === gone).length)
        .toBe(0);
      await expect
        .poll(async () => ((await (await admin.get("/api/v1/time-zones")).json()).items as { tenantDbid: number }[]).filter((z) => z.tenantDbid === gone).length)
        .toBe(0);
    }
    if (personDbid !== undefined) await sql`delete from wfm.agents where source = 'main' and cfg_dbid = ${personDbid}`;
    await sql.end();
  }
  // The tenant took its switch along.
  expect((await admin.get(`/api/v1/config/tenants/${tenantDbid}`)).status()).toBe(404);
});

test("the cfg writer refuses: 401, 403 for a viewer, 400 with field details, 404 and 409", async ({ playwright, baseURL }) => {
  const stamp = Date.now();
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const [method, path] of [
    ["GET", "/api/v1/config/tenants"],
    ["POST", "/api/v1/config/tenants"],
    ["GET", "/api/v1/config/skills/1"],
    ["PATCH", "/api/v1/config/skills/1"],
    ["DELETE", "/api/v1/config/skills/1"],
    ["GET", "/api/v1/config/persons"],
    ["POST", "/api/v1/config/persons"],
    ["GET", "/api/v1/config/persons/1"],
    ["PATCH", "/api/v1/config/persons/1"],
    ["DELETE", "/api/v1/config/persons/1"],
    ["PUT", "/api/v1/config/persons/1/skills/1"],
    ["DELETE", "/api/v1/config/persons/1/skills/1"],
  ] as const) {
    const response = await anonymous.fetch(path, { method, data: method === "GET" || method === "DELETE" ? undefined : { name: "x" } });
    expect(response.status(), `${method} ${path}`).toBe(401);
    expect((await response.json()).error.code, `${method} ${path}`).toBe("UNAUTHENTICATED");
  }

  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const sql = await productDatabase();
  let tenantDbid: number | undefined;
  try {
    await sql`insert into wfm.users (username, first_name, last_name, role, password_hash)
              values ('e2e.config.viewer', 'Val', 'Viewer', 'viewer', ${await hashPassword("viewer-password-2")})
              on conflict (username) do nothing`;

    const tenant = await admin.post("/api/v1/config/tenants", { data: { name: `E2E Refusals ${stamp}` } });
    expect(tenant.status(), await tenant.text()).toBe(201);
    tenantDbid = (await tenant.json()).dbid as number;
    const switchDbid = (await (await admin.post("/api/v1/config/switches", { data: { tenantDbid, name: `SW-E2E-R-${stamp}` } })).json()).dbid as number;
    const skillDbid = (await (await admin.post("/api/v1/config/skills", { data: { tenantDbid, name: `E2E R Skill ${stamp}` } })).json()).dbid as number;
    // Non-agents, so no agent enters WFM from this test.
    const holder = await admin.post("/api/v1/config/persons", {
      data: { tenantDbid, username: `e2e.holder.${stamp}`, isAgent: false, logins: [{ switchDbid, code: `H${stamp}` }], skills: [{ skillDbid, level: 4 }] },
    });
    expect(holder.status(), await holder.text()).toBe(201);
    const holderBody = (await holder.json()) as Person;
    expect(holderBody).toMatchObject({ isAgent: false, firstName: "", lastName: "", email: null, employeeId: null });

    // The Configuration Database is the administrators' (its persons' e-mails and employee ids included):
    // a viewer is refused its reads and its writes with 403.
    const viewer = await playwright.request.newContext({ baseURL });
    await signIn(viewer, "e2e.config.viewer", "viewer-password-2");
    const unread = await expectError(await viewer.get(`/api/v1/config/persons?tenant=${tenantDbid}`), 403, "FORBIDDEN");
    expect(unread.message).toBe("Your role (viewer) may not read the Configuration Database; an administrator can.");
    await expectError(await viewer.get(`/api/v1/config/tenants/${tenantDbid}`), 403, "FORBIDDEN");
    await expectError(await viewer.get(`/api/v1/config/switches?tenant=${tenantDbid}`), 403, "FORBIDDEN");
    expect((await admin.get(`/api/v1/config/persons?tenant=${tenantDbid}`)).status()).toBe(200);
    const refused = await expectError(await viewer.post("/api/v1/config/tenants", { data: { name: `E2E Viewer ${stamp}` } }), 403, "FORBIDDEN");
    expect(refused.message).toBe("Your role (viewer) may not write the Configuration Database; an administrator can.");
    await expectError(await viewer.patch(`/api/v1/config/tenants/${tenantDbid}`, { data: { name: "Nope" } }), 403, "FORBIDDEN");
    await expectError(await viewer.delete(`/api/v1/config/skills/${skillDbid}`), 403, "FORBIDDEN");
    await expectError(await viewer.post("/api/v1/config/persons", { data: { tenantDbid, username: `e2e.v.${stamp}` } }), 403, "FORBIDDEN");
    await expectError(await viewer.patch(`/api/v1/config/persons/${holderBody.dbid}`, { data: { firstName: "Nope" } }), 403, "FORBIDDEN");
    await expectError(await viewer.put(`/api/v1/config/persons/${holderBody.dbid}/skills/${skillDbid}`, { data: { level: 1 } }), 403, "FORBIDDEN");
    await expectError(await viewer.delete(`/api/v1/config/persons/${holderBody.dbid}/skills/${skillDbid}`), 403, "FORBIDDEN");
    await expectError(await viewer.delete(`/api/v1/config/persons/${holderBody.dbid}`), 403, "FORBIDDEN");
    // Nothing was written by the refused requests.
    expect(await (await admin.get(`/api/v1/config/persons/${holderBody.dbid}`)).json()).toEqual(holderBody);

    // 400: bad bodies, with the field named in the details.
    const level11 = await expectError(
      await admin.put(`/api/v1/config/persons/${holderBody.dbid}/skills/${skillDbid}`, { data: { level: 11 } }),
      400,
      "BAD_INPUT",
      ["level"],
    );
    expect(level11.details![0]!.message).toBe("level is at most 10");
    await expectError(
      await admin.post("/api/v1/config/persons", { data: { tenantDbid, username: `e2e.bad.${stamp}`, skills: [{ skillDbid, level: 11 }] } }),
      400,
      "BAD_INPUT",
      ["skills.0.level"],
    );
    await expectError(
      await admin.patch(`/api/v1/config/persons/${holderBody.dbid}`, { data: { email: "not an address" } }),
      400,
      "BAD_INPUT",
      ["email"],
    );
    const emptyName = await expectError(await admin.post("/api/v1/config/tenants", { data: { name: "  " } }), 400, "BAD_INPUT", ["name"]);
    expect(emptyName.details![0]!.message).toBe("Enter the tenant's name.");
    await expectError(await admin.post("/api/v1/config/skills", { data: { tenantDbid, name: "" } }), 400, "BAD_INPUT", ["name"]);
    await expectError(await admin.post("/api/v1/config/switches", { data: { name: "SW-no-tenant" } }), 400, "BAD_INPUT", ["tenantDbid"]);
    await expectError(
      await admin.post("/api/v1/config/time-zones", { data: { tenantDbid, name: `Mars ${stamp}`, ianaName: "Mars/Olympus" } }),
      400,
      "BAD_INPUT",
      ["ianaName"],
    );
    const unknownField = await expectError(await admin.post("/api/v1/config/tenants", { data: { name: `E2E X ${stamp}`, planet: "Mars" } }), 400, "BAD_INPUT");
    expect(unknownField.details).toHaveLength(1);
    expect(unknownField.details![0]!.message).toContain("planet");
    const unknownPersonField = await expectError(await admin.patch(`/api/v1/config/persons/${holderBody.dbid}`, { data: { shoeSize: 44 } }), 400, "BAD_INPUT");
    expect(unknownPersonField.details![0]!.message).toContain("shoeSize");
    await expectError(await admin.patch(`/api/v1/config/skills/${skillDbid}`, { data: {} }), 400, "BAD_INPUT");
    await expectError(await admin.patch(`/api/v1/config/persons/${holderBody.dbid}`, { data: {} }), 400, "BAD_INPUT");
    // A body that is not JSON.
    for (const [method, path] of [
      ["POST", "/api/v1/config/tenants"],
      ["POST", "/api/v1/config/persons"],
      ["PATCH", `/api/v1/config/persons/${holderBody.dbid}`],
      ["PUT", `/api/v1/config/persons/${holderBody.dbid}/skills/${skillDbid}`],
    ] as const) {
      const notJson = await expectError(
        await admin.fetch(path, { method, data: Buffer.from("this is { not json"), headers: { "content-type": "application/json" } }),
        400,
        "BAD_INPUT",
      );
      expect(notJson.message, `${method} ${path}`).toBe("The request body must be JSON.");
    }
    // A bad path id.
    await expectError(await admin.get("/api/v1/config/persons/abc"), 400, "BAD_INPUT", ["dbid"]);
    await expectError(await admin.patch("/api/v1/config/persons/abc", { data: { firstName: "X" } }), 400, "BAD_INPUT", ["dbid"]);
    await expectError(await admin.delete("/api/v1/config/persons/-1"), 400, "BAD_INPUT", ["dbid"]);
    await expectError(await admin.get("/api/v1/config/skills/1.5"), 400, "BAD_INPUT", ["dbid"]);
    await expectError(await admin.put(`/api/v1/config/persons/${holderBody.dbid}/skills/abc`, { data: { level: 1 } }), 400, "BAD_INPUT", ["skillDbid"]);
    // A bad page.
    await expectError(await admin.get("/api/v1/config/tenants?limit=0"), 400, "BAD_INPUT", ["limit"]);
    await expectError(await admin.get("/api/v1/config/persons?cursor=abc"), 400, "BAD_INPUT", ["cursor"]);

    // 404: unknown dbids and an unknown kind.
    const unknownPerson = await expectError(await admin.get("/api/v1/config/persons/99999999"), 404, "NOT_FOUND");
    expect(unknownPerson.message).toBe("There is no person with dbid 99999999 in source main.");
    await expectError(await admin.patch("/api/v1/config/persons/99999999", { data: { firstName: "X" } }), 404, "NOT_FOUND");
    await expectError(await admin.delete("/api/v1/config/persons/99999999"), 404, "NOT_FOUND");
    await expectError(await admin.put(`/api/v1/config/persons/99999999/skills/${skillDbid}`, { data: { level: 1 } }), 404, "NOT_FOUND");
    await expectError(await admin.put(`/api/v1/config/persons/${holderBody.dbid}/skills/99999999`, { data: { level: 1 } }), 404, "NOT_FOUND");
    await expectError(await admin.get("/api/v1/config/tenants/99999999"), 404, "NOT_FOUND");
    await expectError(await admin.patch("/api/v1/config/switches/99999999", { data: { name: "X" } }), 404, "NOT_FOUND");
    await expectError(await admin.delete("/api/v1/config/time-zones/99999999"), 404, "NOT_FOUND");
    await expectError(await admin.post("/api/v1/config/skills", { data: { tenantDbid: 99999999, name: `E2E S ${stamp}` } }), 404, "NOT_FOUND", ["tenantDbid"]);
    await expectError(
      await admin.post("/api/v1/config/persons", { data: { tenantDbid, username: `e2e.nosw.${stamp}`, logins: [{ switchDbid: 99999999, code: "X" }] } }),
      404,
      "NOT_FOUND",
      ["logins.0.switchDbid"],
    );
    const planets = await expectError(await admin.get("/api/v1/config/planets"), 404, "NOT_FOUND");
    expect(planets.message).toContain("planets");
    await expectError(await admin.post("/api/v1/config/planets", { data: { name: "Mars" } }), 404, "NOT_FOUND");
    await expectError(await admin.get("/api/v1/config/planets/1"), 404, "NOT_FOUND");
    // ?source=: a name that cannot be a source is 400; a source that does not exist is 404 naming it.
    await expectError(await admin.get("/api/v1/config/persons?source=EU!"), 400, "BAD_INPUT", ["source"]);
    const nowhere = await expectError(await admin.post("/api/v1/config/tenants?source=nowhere", { data: { name: `E2E N ${stamp}` } }), 404, "NOT_FOUND");
    expect(nowhere.message).toContain('"nowhere"');
    await expectError(await admin.get(`/api/v1/config/persons/${holderBody.dbid}?source=nowhere`), 404, "NOT_FOUND");

    // 409: a name taken in the same tenant, a username taken, a login held by another person.
    const duplicateSkill = await expectError(
      await admin.post("/api/v1/config/skills", { data: { tenantDbid, name: `E2E R Skill ${stamp}` } }),
      409,
      "CONFLICT",
      ["name"],
    );
    expect(duplicateSkill.message).toContain(`E2E R Skill ${stamp}`);
    await expectError(await admin.post("/api/v1/config/tenants", { data: { name: `E2E Refusals ${stamp}` } }), 409, "CONFLICT", ["name"]);
    const other = await admin.post("/api/v1/config/switches", { data: { tenantDbid, name: `SW-E2E-R2-${stamp}` } });
    expect(other.status()).toBe(201);
    await expectError(
      await admin.patch(`/api/v1/config/switches/${(await other.json()).dbid}`, { data: { name: `SW-E2E-R-${stamp}` } }),
      409,
      "CONFLICT",
      ["name"],
    );
    await expectError(
      await admin.post("/api/v1/config/persons", { data: { tenantDbid, username: `e2e.holder.${stamp}`, isAgent: false } }),
      409,
      "CONFLICT",
      ["username"],
    );
    const taker = await admin.post("/api/v1/config/persons", { data: { tenantDbid, username: `e2e.taker.${stamp}`, isAgent: false } });
    expect(taker.status(), await taker.text()).toBe(201);
    const takerDbid = (await taker.json()).dbid as number;
    const held = await expectError(
      await admin.patch(`/api/v1/config/persons/${takerDbid}`, { data: { logins: [{ switchDbid, code: `H${stamp}` }] } }),
      409,
      "CONFLICT",
      ["logins.0"],
    );
    expect(held.message).toContain(`e2e.holder.${stamp}`);
    await expectError(
      await admin.post("/api/v1/config/persons", {
        data: { tenantDbid, username: `e2e.taker2.${stamp}`, isAgent: false, logins: [{ switchDbid, code: `H${stamp}` }] },
      }),
      409,
      "CONFLICT",
      ["logins.0"],
    );
    // Nothing of the refused writes stuck: the taker has no login, the holder still has it.
    expect((await (await admin.get(`/api/v1/config/persons/${takerDbid}`)).json()).logins).toEqual([]);
    expect((await (await admin.get(`/api/v1/config/persons/${holderBody.dbid}`)).json()).logins).toEqual([{ switchDbid, code: `H${stamp}` }]);
    expect((await (await admin.get(`/api/v1/config/persons?tenant=${tenantDbid}`)).json()).items).toHaveLength(2);
    // Once the holder lets go, the login can be taken.
    const letGo = await admin.patch(`/api/v1/config/persons/${holderBody.dbid}`, { data: { logins: [] } });
    expect((await letGo.json()).logins).toEqual([]);
    const taken = await admin.patch(`/api/v1/config/persons/${takerDbid}`, { data: { logins: [{ switchDbid, code: `H${stamp}` }] } });
    expect(taken.status(), await taken.text()).toBe(200);
    expect((await taken.json()).logins).toEqual([{ switchDbid, code: `H${stamp}` }]);
  } finally {
    if (tenantDbid !== undefined) expect((await admin.delete(`/api/v1/config/tenants/${tenantDbid}`)).status()).toBe(204);
    await sql.end();
  }
});
