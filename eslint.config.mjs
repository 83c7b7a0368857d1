// ESLint (flat config): `npm run lint`, and a step of `npm test`. Fails on any warning (--max-warnings 0).
import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** Every query lives in lib/: app/ gets the shared handle and passes it to lib/ functions. */
const SQL_IN_LIB =
  "No SQL in app/: put the query in lib/ (a verbNoun(sql, params) function in lib/console/<resource>.ts that names its columns) and call it with sharedDatabase().sql.";
/** The names a postgres.js handle goes by in this code base. */
const HANDLE = "/^(sql|tx|trx)$/";

export default defineConfig(
  globalIgnores(["node_modules/", ".next/", ".data/", ".test-data/", ".scratch/", "db/migrations/meta/", "test-results/", "playwright-report/", "next-env.d.ts"]),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_previous`, `_obj`: a parameter a signature requires (server actions' previous state, a logger's fields) but the body does not use.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },

  // Next's own rules (what eslint-config-next's core-web-vitals enables), for the App Router in app/.
  nextPlugin.configs["core-web-vitals"],

  // React's rules of hooks and the React Compiler's checks, where the components are.
  { files: ["app/**/*.tsx"], ...reactHooks.configs.flat.recommended },

  // No SQL in app/: a route, page or action gets the shared handle (sharedDatabase from lib/db/shared) and passes it to lib/.
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        // sql`…`, tx`…`, sharedDatabase().sql`…`
        { selector: `TaggedTemplateExpression[tag.type='Identifier'][tag.name=${HANDLE}]`, message: SQL_IN_LIB },
        { selector: `TaggedTemplateExpression[tag.type='MemberExpression'][tag.property.name=${HANDLE}]`, message: SQL_IN_LIB },
        // sql(row), sql.begin(…), sql.unsafe(…), sharedDatabase().sql.begin(…), and any .unsafe(…)
        { selector: `CallExpression[callee.type='Identifier'][callee.name=${HANDLE}]`, message: SQL_IN_LIB },
        { selector: `CallExpression[callee.type='MemberExpression'][callee.object.name=${HANDLE}]`, message: SQL_IN_LIB },
        { selector: `CallExpression[callee.type='MemberExpression'][callee.object.property.name=${HANDLE}]`, message: SQL_IN_LIB },
        { selector: "CallExpression[callee.property.name='unsafe']", message: SQL_IN_LIB },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "postgres", message: SQL_IN_LIB },
            { name: "drizzle-orm", message: SQL_IN_LIB },
          ],
          patterns: [
            {
              // The schema's tables, drizzle's builders, and the modules that open or migrate a database.
              regex: "^(drizzle-orm/.*|.*\\bdb/schema|.*\\blib/db(/(?!shared$|client$).*)?)$",
              allowTypeImports: true,
              message: `${SQL_IN_LIB} app/ gets its handle from lib/db/shared only.`,
            },
            {
              // lib/db/client's helpers that take a handle (probeDatabase, isConnectionLoss) are fine; making a client is not.
              group: ["**/lib/db/client"],
              importNames: ["createClient", "connect", "dedicatedClient"],
              message: `${SQL_IN_LIB} app/ gets its handle from lib/db/shared only.`,
            },
          ],
        },
      ],
    },
  },

  // Findings in files others were editing when lint came in, each off for that file only until it is fixed there.
  { files: ["lib/db/change-feed.concurrency.test.ts"], rules: { "@typescript-eslint/no-unused-vars": "off" } }, // line 7: databaseUrl imported, unused
  { files: ["lib/db/migrations.test.ts"], rules: { "no-useless-assignment": "off" } }, // line 71: `after`'s initial [] is never read

  // The domain in lib/ has no Next.js or React: it runs in the WFM Server and the CLI as well as behind the console.
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["next", "next/*", "react", "react-dom", "react/*", "@/app/*", "**/app/*"], message: "lib/ is the domain, with no Next.js, React or app/ imports: put this in app/ and pass lib/ what it needs." },
          ],
        },
      ],
    },
  },
);
