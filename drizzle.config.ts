import { defineConfig } from "drizzle-kit";

// Generation only needs the schema; no database connection is made.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
  schemaFilter: ["cfg", "wfm"],
});
