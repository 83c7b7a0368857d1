import type { ReactNode } from "react";

/**
 * A table's frame. On a narrow screen a wide table scrolls sideways in here rather than the page; the frame is
 * focusable, so the arrow keys scroll it, and named, so a screen reader says what it holds.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
