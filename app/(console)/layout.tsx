import type { ReactNode } from "react";
import Link from "next/link";
import { verifySession } from "@/app/lib/session";
import { Nav } from "@/app/ui/nav";
import { Providers } from "@/app/ui/providers";
import { SidebarMenu } from "@/app/ui/sidebar-menu";
import { ViewerZoneProvider } from "@/app/ui/viewer-zone";
import { SignOutForm } from "./sign-out-form";

const roleNames = { admin: "Administrator", supervisor: "Supervisor", viewer: "Viewer" } as const;

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await verifySession();
  const displayName = `${user.firstName} ${user.lastName}`.trim() || user.username;
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">WS</span>
          <span>wfm-sync</span>
        </Link>
        <SidebarMenu>
          <Nav />
          <div className="sidebar-foot">
            <div className="who" data-testid="signed-in-user">{displayName}</div>
            <div className="role">
              {user.username} · {roleNames[user.role]}
            </div>
            <Link href="/preferences" className="preferences-link">
              Preferences
            </Link>
            <SignOutForm />
          </div>
        </SidebarMenu>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <ViewerZoneProvider zone={user.timeZone}>
          <Providers>{children}</Providers>
        </ViewerZoneProvider>
      </main>
    </div>
  );
}
