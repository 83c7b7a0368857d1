/**
 * The product the end-to-end tests run against, as `npm start` runs it (embedded PostgreSQL, migrations, demo
 * data, admin, production build, the bundled WFMServer with web events): one description for Playwright's
 * webServer and for `npm test`, which starts it beside the unit tests so the e2e step does not wait for it.
 */
export const PRODUCT_COMMAND = ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts"];

export interface ProductSettings {
  port: string;
  dataDir: string;
  adminPassword: string;
  meshSecret: string;
}

export const productUrl = (port: string) => `http://127.0.0.1:${port}`;

export function productEnv(settings: ProductSettings): Record<string, string> {
  return {
    PORT: settings.port,
    HOST: "127.0.0.1",
    WFM_DATA_DIR: settings.dataDir,
    WFM_ADMIN_PASSWORD: settings.adminPassword,
    // The bundled WFMServer runs with web events, and the console joins its mesh.
    WFM_MESH_SECRET: settings.meshSecret,
    NEXT_TELEMETRY_DISABLED: "1",
  };
}
