"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const sections = [
  { group: "Organization", links: [{ href: "/organization/sites", label: "Sites" }] },
  {
    group: "Synchronization",
    links: [
      { href: "/servers", label: "Servers" },
      { href: "/sources", label: "Sources" },
      { href: "/sync", label: "Sync history" },
      { href: "/audit", label: "Audit" },
      { href: "/validation", label: "Validation" },
    ],
  },
  {
    group: "People",
    links: [
      { href: "/agents", label: "Agents" },
      { href: "/users", label: "Users" },
    ],
  },
];

export function Nav() {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Main">
      {sections.map((section) => (
        <div key={section.group}>
          <div className="nav-group">{section.group}</div>
          {section.links.map((link) => (
            <Link key={link.href} href={link.href} aria-current={pathname.startsWith(link.href) ? "page" : undefined}>
              {link.label}
            </Link>
          ))}
        </div>
      ))}
    </nav>
  );
}
