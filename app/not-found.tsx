import Link from "next/link";

/** Any address the console does not have: say so in the console's own look, and offer the way back. */
export default function NotFound() {
  return (
    <main className="signin">
      <div className="card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true">
            W
          </span>
          wfm-sync
        </p>
        <h1>Not found</h1>
        <p className="muted">There is no page at this address, or what it showed (a site, an agent, a run) no longer exists.</p>
        <p>
          <Link className="button" href="/">
            Go to the overview
          </Link>
        </p>
      </div>
    </main>
  );
}
