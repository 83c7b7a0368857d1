import Link from "next/link";
import { LocalTime } from "@/app/ui/local-time";
import { TableScroll } from "@/app/ui/table-scroll";
import { describeAuditDetail, type AuditView } from "@/lib/console/audit";

/** Where an object of the trail is shown, while it exists. */
const objectHref = (line: AuditView) =>
  line.objectType === "agent" ? `/agents/${line.objectKey}` : line.objectType === "site" ? `/organization/sites/${line.objectKey}` : "/servers";

/** An object deleted since is named as its deletion recorded it, when that line is on the page. */
function objectLabel(line: AuditView, names: Map<string, string>): { text: string; exists: boolean } {
  const name = names.get(`${line.objectType}:${line.objectKey}`);
  if (name) return { text: name, exists: true };
  const recorded = line.detail.name?.from ?? line.detail.name?.to;
  return { text: `${line.objectType} ${line.objectKey}${typeof recorded === "string" ? ` (${recorded})` : ""}`, exists: false };
}

/**
 * Audit lines as a table: when, who, what and what changed; with `names`, also the object each is about,
 * linked to its page (the Audit page), else the lines are all of one object (its History panel).
 */
export function AuditTable({ lines, label, names }: { lines: AuditView[]; label: string; names?: Map<string, string> }) {
  return (
    <TableScroll label={label}>
      <table className="data compact">
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">User</th>
            <th scope="col">Action</th>
            {names && <th scope="col">Object</th>}
            <th scope="col">What changed</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line, i) => {
            const object = names && objectLabel(line, names);
            return (
              // Lines have no id of their own in the API; a page's order is fixed.
              <tr key={i}>
                <td className="nowrap">
                  <LocalTime at={line.at} compact />
                </td>
                <td>{line.user}</td>
                <td>
                  <span className="badge">{line.action}</span>
                </td>
                {object && (
                  <td>
                    {line.objectType}{" "}
                    {object.exists && line.objectType !== "server" ? <Link href={objectHref(line)}>{object.text}</Link> : object.text}
                  </td>
                )}
                <td>{describeAuditDetail(line.action, line.detail)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
