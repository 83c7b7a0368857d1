import Link from "next/link";

export type SortDirection = "asc" | "desc";

/**
 * A column header that sorts the list by its column: a link (the sort lives in the URL, so it survives
 * reloads and can be shared), `aria-sort` on the active one, and a second click reversing it.
 */
export function SortHeader({
  label,
  column,
  sort,
  dir,
  href,
  className,
  firstDir = "desc",
}: {
  label: string;
  column: string;
  sort: string;
  dir: SortDirection;
  href: (column: string, dir: SortDirection) => string;
  className?: string;
  /** The direction of a first click: descending for counts and durations (the biggest first), ascending for names. */
  firstDir?: SortDirection;
}) {
  const active = sort === column;
  const next: SortDirection = active ? (dir === "desc" ? "asc" : "desc") : firstDir;
  return (
    <th scope="col" className={className} aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={href(column, next)} className="sort-link" title={`Sort by ${label.toLowerCase()}, ${next === "asc" ? "ascending" : "descending"}`}>
        {label}
        <span aria-hidden="true">{active ? (dir === "asc" ? " ▲" : " ▼") : ""}</span>
      </Link>
    </th>
  );
}
