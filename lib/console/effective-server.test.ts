import { describe, expect, it } from "vitest";
import { assignmentConsequence, effectiveServer } from "./effective-server";

const servers = [
  { name: "WFMServer", level: 2, running: true },
  { name: "Branch", level: 1, running: false },
  { name: "Off", level: 0, running: true },
];

describe("the server that synchronizes a site", () => {
  it("is the assigned one, or the level-2 server by default, with what is wrong said beside it", () => {
    expect(effectiveServer(null, servers)).toEqual({ server: "WFMServer", by: "default", warning: null, label: "WFMServer (level 2, by default)" });
    expect(effectiveServer("WFMServer", servers)).toMatchObject({ server: "WFMServer", by: "assigned", warning: null });
    expect(effectiveServer("Branch", servers).warning).toBe("Branch is not running: nothing here is synchronized until it runs");
    expect(effectiveServer("Off", servers).warning).toBe("Off is at level 0: nothing here is synchronized");
    expect(effectiveServer(null, servers.slice(1)).warning).toBe("no server is at level 2, so no server synchronizes unassigned sites");
    expect(effectiveServer(null, [...servers, { name: "Night", level: 2, running: true }]).warning).toBe("WFMServer and Night are both at level 2: only one should be");
  });

  it("an assignment says what happens to the site's agents", () => {
    const denver = { name: "Denver", agentCount: 322 };
    expect(assignmentConsequence(denver, effectiveServer("Branch", servers))).toBe("Denver's 322 agents stop synchronizing until Branch runs.");
    expect(assignmentConsequence(denver, effectiveServer("Off", servers))).toBe("Denver's 322 agents are not synchronized: Off is at level 0.");
    expect(assignmentConsequence(denver, effectiveServer("WFMServer", servers))).toBeNull();
  });
});
