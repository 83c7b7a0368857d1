import Link from "next/link";
import { ActionBadge } from "@/app/ui/action-badge";
import { DateRangeFields } from "@/app/ui/date-range-fields";
import { LocalTime } from "@/app/ui/local-time";
import { TableScroll } from "@/app/ui/table-scroll";
import type { AgentEventView } from "@/lib/console/runs";

/** The agent's lines in the sync log, newest first, with a text and date filter (a GET form: the URL keeps it). */
export function AgentEvents({ agentId, events, filter, refused }: { agentId: number; events: AgentEventView[]; filter: { q?: string; from?: string; to?: string }; refused?: string }) {
  const filtered = Boolean(filter.q || filter.from || filter.to);
  return (
    <section className="panel" aria-labelledby="events-heading">
      <h2 id="events-heading">Sync events of this agent</h2>
      <form className="filters" action={`/agents/${agentId}`} aria-label="Event filters">
        <label>
          Search
          <input type="search" name="q" defaultValue={filter.q ?? ""} placeholder="Text in the message" />
        </label>
        <DateRangeFields from={filter.from} to={filter.to} />
        <button type="submit" className="button small">
          Filter
        </button>
        {filtered && (
          <Link href={`/agents/${agentId}`} className="button small secondary">
            Clear
          </Link>
        )}
        <Link href={`/sync?agentId=${agentId}`}>Runs of this agent →</Link>
      </form>
      {refused && (
        <p className="field-error" role="alert">
          {refused}; showing every event.
        </p>
      )}
      {events.length === 0 ? (
        <p className="muted">{filtered ? "No event of this agent matches these filters." : "No sync has changed this agent yet."}</p>
      ) : (
        <TableScroll label="Sync events of this agent">
          <table className="data">
            <caption className="visually-hidden">Sync events of this agent</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Run</th>
                <th scope="col">Action</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">
                    <LocalTime at={e.at} />
                  </td>
                  <td className="nowrap">
                    <Link href={`/sync/${e.runId}`}>{e.runId}</Link> ({e.server}, {e.kind})
                  </td>
                  <td>
                    <ActionBadge action={e.action} />
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
