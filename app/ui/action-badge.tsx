/** A sync-log action as a badge, coloured the same on every page: errors red, warnings amber. */
export function ActionBadge({ action }: { action: string }) {
  return <span className={`badge ${action === "error" ? "err" : action === "warning" ? "warn" : ""}`}>{action}</span>;
}
