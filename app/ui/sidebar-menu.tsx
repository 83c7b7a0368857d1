"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * The sidebar's navigation and account. On a narrow screen they hide behind the Menu button (globals.css shows
 * them always on a wide one); navigating or Escape closes the menu again.
 */
export function SidebarMenu({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // Open on the page it was opened on: reaching another page closes it, whichever link led there.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      // Focus inside the menu would vanish with it: it goes back to the button that opened it.
      const focusWasInside = menu.current?.contains(document.activeElement) ?? false;
      setOpenOn(null);
      if (focusWasInside) button.current?.focus();
    };
    document.addEventListener("keydown", closeOnEscape);
    return () => document.removeEventListener("keydown", closeOnEscape);
  }, [open]);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="menu-button"
        aria-expanded={open}
        aria-controls="console-menu"
        onClick={() => setOpenOn(open ? null : pathname)}
      >
        <span className="menu-icon" aria-hidden="true" />
        Menu
      </button>
      <div
        id="console-menu"
        ref={menu}
        className="sidebar-menu"
        data-open={open}
        // A link to the page already shown changes no path, yet the reader is done with the menu.
        onClick={(event) => {
          if (event.target instanceof Element && event.target.closest("a")) setOpenOn(null);
        }}
      >
        {children}
      </div>
    </>
  );
}
