import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { SiteClock } from "@/app/ui/site-clock";
import { siteTimeZone } from "@/lib/console/time-zones";
import { LocalTime } from "@/app/ui/local-time";
import { can } from "@/lib/auth/roles";
import { agentServer, getAgent, getDatabaseToday } from "@/lib/console/agents";
import { agentEventFilter, agentEvents } from "@/lib/console/runs";
import { firstValue, type SearchParams } from "@/app/lib/search-params";
import { AgentEvents } from "./agent-events";
import { listSiteNames } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";
import { DomainError } from "@/lib/errors";
import { idText, INT_ID_MAX } from "@/lib/input";
import { AuditHistory } from "../../audit/audit-history";
import { MoveAgentForm, SyncNowForm, TerminationForm } from "./agent-forms";

export const metadata: Metadata = { title: "Agent Properties" };
export const dynamic = "force-dynamic";

export default async function AgentPropertiesPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  const user = await verifySession();
  const parsed = idText("id", INT_ID_MAX).safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data;
  const { sql } = sharedDatabase();
  const agent = await getAgent(sql, id).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const mayMove = can(user, "agents.move");
  const search = await searchParams;
  const asked = agentEventFilter.safeParse({ q: firstValue(search.q) || undefined, from: firstValue(search.from) || undefined, to: firstValue(search.to) || undefined });
  const f = asked.success ? asked.data : {};
  const refused = asked.success ? undefined : asked.error.issues[0]!.message;
  const [owner, events, today, sites, zone] = await Promise.all([
    agentServer(sql, agent),
    agentEvents(sql, agent, f),
    getDatabaseToday(sql),
    mayMove ? listSiteNames(sql) : Promise.resolve([]),
    agent.site ? siteTimeZone(sql, agent.site.id) : Promise.resolve(null),
  ]);
  const mayTerminate = can(user, "agents.terminate");
  return (
    <>
      <p>
        <Link href="/agents">← Agents</Link>
      </p>
      <PageHead title={`${agent.firstName} ${agent.lastName}`.trim() || agent.username} description="Agent Properties" />
      <dl className="properties">
        <dt>Username</dt>
        <dd>{agent.username}</dd>
        <dt>Employee id</dt>
        <dd>{agent.employeeId ?? "—"}</dd>
        <dt>Email</dt>
        <dd>{agent.email ?? "—"}</dd>
        <dt>Source</dt>
        <dd>{agent.source}</dd>
        <dt>cfg dbid / tenant</dt>
        <dd>
          {agent.cfgDbid} / {agent.tenantDbid}
        </dd>
        <dt>Site</dt>
        <dd>
          {mayMove ? (
            <MoveAgentForm agentId={agent.id} siteId={agent.site?.id ?? null} sites={sites} />
          ) : (
            (agent.site?.name ?? "no site")
          )}
        </dd>
        <dt>Site time zone</dt>
        <dd>{zone ? (zone.ianaName ? <SiteClock name={zone.name} ianaName={zone.ianaName} /> : `${zone.name} (not a time zone WFM has)`) : "— (no site)"}</dd>
        <dt>Synchronized by</dt>
        <dd>{owner.server ? `${owner.server}${owner.running ? "" : " (not running)"}` : "no WFM Server"}</dd>
        <dt>Sync runs</dt>
        <dd>
          <Link href={`/sync?agentId=${agent.id}`}>Runs that changed or reported this agent</Link>
        </dd>
        <dt>Skills</dt>
        <dd>
          {agent.skills.length ? (
            <ul className="skills" aria-label="Skills and levels">
              {agent.skills.map((s) => (
                <li key={s.name}>
                  {s.name} <span className="level">level {s.level}</span>
                </li>
              ))}
            </ul>
          ) : (
            "none"
          )}
        </dd>
        <dt>Status</dt>
        <dd data-testid="agent-status">
          {agent.terminationDate
            ? `Terminated as of ${agent.terminationDate} (${agent.terminationSource === "manual" ? "by hand" : "person deleted in cfg"})`
            : agent.awaitingFullSync
              ? "Awaiting full sync: reinstated, and re-read at the next full sync"
              : "Active"}
        </dd>
      </dl>

      <section className="panel" aria-labelledby="termination-heading">
        <h2 id="termination-heading">Termination</h2>
        {agent.terminationSource === "config" ? (
          <p className="muted">
            Terminated as of {agent.terminationDate} because its person left the Configuration Database (deleted, or no longer an
            agent). Sync brings it back when cfg has it as an agent again; there is nothing to reinstate here.
          </p>
        ) : mayTerminate ? (
          <TerminationForm agentId={agent.id} date={agent.terminationSource === "manual" ? agent.terminationDate : null} today={today} />
        ) : (
          <p className="muted">Only supervisors and administrators can terminate or reinstate agents.</p>
        )}
        {agent.awaitingFullSync && (
          <div className="stack">
            <p className="alert warning" role="status">
              This agent was reinstated and is not synchronized in real time until a full sync re-reads it.{" "}
              {owner.nextFullSyncAt ? (
                <>
                  The next full sync of {owner.server} is due <LocalTime at={owner.nextFullSyncAt} />.
                </>
              ) : (
                <>{owner.server ?? "Its server"} runs full syncs only at start-up or when asked.</>
              )}
            </p>
          </div>
        )}
        {/* Always offered (not only while awaiting), so its result stays on the page after it clears the flag. */}
        {mayTerminate && <SyncNowForm agentId={agent.id} />}
      </section>

      <AuditHistory objectType="agent" objectKey={agent.id} />

      <AgentEvents agentId={agent.id} events={events} filter={{ q: f.q, from: f.from?.toISOString(), to: f.to?.toISOString() }} refused={refused} />
    </>
  );
}
