import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/app/lib/session";
import { safeRedirectPath } from "@/lib/auth/redirect";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect("/");
  const { next } = await searchParams;
  return (
    <main className="signin">
      <div className="card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">WS</span>
          <span>wfm-sync</span>
        </div>
        <h1>Sign in</h1>
        <p style={{ color: "var(--muted)" }}>Web for Supervisors</p>
        <SignInForm next={safeRedirectPath(next)} />
      </div>
    </main>
  );
}
