import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PRODUCT_COMMAND, productEnv } from "./e2e/product";

// Playwright cannot download its own browser here: use the system Chromium.
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}. Install one ('apt-get install -y chromium' on Debian) or set CHROMIUM_PATH to a Chromium binary.`,
  );
}

// The config is evaluated in the runner and again in each worker; the runner picks the port and data
// directory once and hands them down through the environment.
if (!process.env.E2E_PORT) {
  process.env.E2E_PORT = execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
}
if (!process.env.E2E_DATA_DIR) {
  const base = mkdtempSync(path.join(os.tmpdir(), "wfm-e2e-"));
  chmodSync(base, 0o755); // the cluster runs as 'postgres' when we are root
  process.env.E2E_DATA_DIR = path.join(base, "pg");
}
process.env.E2E_ADMIN_PASSWORD ??= "e2e-admin-password";
process.env.E2E_MESH_SECRET ??= "e2e-mesh-secret-0123456789";
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "e2e",
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  },
  // The product as `npm start` runs it (e2e/product.ts). `npm test` starts it beside the unit tests and says so
  // with E2E_PRODUCT_STARTED; Playwright then uses that one instead of starting its own.
  webServer: {
    command: ["node", ...PRODUCT_COMMAND].join(" "),
    url: `${baseURL}/api/v1/health`,
    reuseExistingServer: process.env.E2E_PRODUCT_STARTED === "1",
    timeout: 300_000,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: productEnv({
      port: process.env.E2E_PORT!,
      dataDir: process.env.E2E_DATA_DIR!,
      adminPassword: process.env.E2E_ADMIN_PASSWORD!,
      meshSecret: process.env.E2E_MESH_SECRET!,
    }),
  },
});
