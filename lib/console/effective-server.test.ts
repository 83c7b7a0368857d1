import { describe, expect, it } from "vitest";
import { assignmentConsequence, effectiveServer } from "./effective-server";

const servers = [
  { name: "WFMServer", level: 2, running: true, source: "main" },
  { name: "Branch", level: 1, running: false, source: "main" },
  { name: "Off", level: 0, running: true, source: "main" },
];

describe("the server that synchronizes a site", () => {
  it("is the assigned one, or the level-2 server by default, with what is wrong said beside it", () => {
    expect(effectiveServer(null, servers)).toEqual({ server: "WFMServer", by: "default", warning: null, label: "WFMServer (level 2, by default)" });
    expect(effectiveServer("WFMServer", servers)).toMatchObject({ server: "WFMServer", by: "assigned", warning: null });
    expect(effectiveServer("Branch", servers).warning).toBe("Branch is not running: nothing here is synchronized until it runs");
    expect(effectiveServer("Off", servers).warning).toBe("Off is at level 0: nothing here is synchronized");
    expect(effectiveServer(null, servers.slice(1)).warning).toBe("no server is at level 2, so no server synchronizes unassigned sites");
    expect(effectiveServer(null, [...servers, { name: "Night", level: 2, running: true, source: "main" }]).warning).toBe("WFMServer and Night are both at level 2: only one should be");
  });

  it("an assignment says what happens to the site's agents", () => {
    const denver = { name: "Denver", agentCount: 322 };
    expect(assignmentConsequence(denver, effectiveServer("Branch", servers))).toBe("Denver's 322 agents stop synchronizing until Branch runs.");
    expect(assignmentConsequence(denver, effectiveServer("Off", servers))).toBe("Denver's 322 agents are not synchronized: Off is at level 0.");
    expect(assignmentConsequence(denver, effectiveServer("WFMServer", servers))).toBeNull();
  });
});

describe("the server that synchronizes a site, with several configuration sources (SPEC §2.9)", () => {
  const withEu = [...servers, { name: "EU-1", level: 2, running: true, source: "eu" }];

  it("a level-2 server covers the unassigned sites whose switch is in its own source", () => {
    expect(effectiveServer(null, withEu, "main")).toMatchObject({ server: "WFMServer", by: "default", warning: null });
    expect(effectiveServer(null, withEu, "eu")).toMatchObject({ server: "EU-1", by: "default", warning: null, label: "EU-1 (level 2, by default)" });
  });

  it("two level-2 servers of different sources are no misconfiguration; two of one source are", () => {
    expect(effectiveServer(null, withEu, null).warning).toBeNull();
    const twoEu = [...withEu, { name: "EU-2", level: 2, running: true, source: "eu" }];
    expect(effectiveServer(null, twoEu, "eu").warning).toBe("EU-1 and EU-2 are both at level 2: only one should be");
    expect(effectiveServer(null, twoEu, "main").warning).toBeNull();
  });

  it("a site whose switch's source has no level-2 server is synchronized by none, and says which source lacks one", () => {
    expect(effectiveServer(null, servers, "eu")).toMatchObject({
      server: null,
      warning: "no server of source eu is at level 2, so no server synchronizes its unassigned sites",
    });
  });

  it("a site assigned to a server of another source than its switch's is said to be synchronized by nobody", () => {
    expect(effectiveServer("EU-1", withEu, "main").warning).toBe("the site's switch is in source main, but EU-1 syncs eu: nothing here is synchronized");
    expect(effectiveServer("EU-1", withEu, null).warning).toBeNull();
  });
});
