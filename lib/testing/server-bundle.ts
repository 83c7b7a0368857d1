/**
 * scripts/wfm-server.ts compiled once per test run, so that each WFM Server process a test starts loads one
 * JavaScript file instead of having tsx transform its whole import graph again: under load, a spawn through
 * tsx took 1.7–3 s of CPU before the server ran a line, the bundle about 0.2 s.
 *
 * The bundle is the same code (esbuild is the compiler tsx uses); npm packages stay external and load from
 * node_modules as they do under tsx, and each module keeps its own import.meta.url, so paths it resolves
 * from its own location (the migrations folder, the embedded PostgreSQL package) are unchanged. The file is
 * written under node_modules/.cache so that those packages resolve from it, and removed after the run.
 *
 * lib/server/process.ts spawns `node <bundle>` when WFM_SERVER_BUNDLE names it, and tsx otherwise; the
 * product (npm start) never sets it.
 */
import { build, type Plugin } from "esbuild";
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Keeps import.meta.url (and dirname, filename) of every source module what it was before bundling. */
const ownImportMeta: Plugin = {
  name: "own-import-meta",
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const source = await fs.readFile(args.path, "utf8");
      if (!source.includes("import.meta.")) return undefined;
      const contents = source
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path));
      return { contents, loader: "ts", resolveDir: path.dirname(args.path) };
    });
  },
};

export interface ServerBundle {
  file: string;
  /** Bundles the sources again, as they are now, into the same file. */
  rebuild(): Promise<void>;
  remove(): Promise<void>;
}

export async function bundleServer(root: string): Promise<ServerBundle> {
  const cache = path.join(root, "node_modules", ".cache");
  await fs.mkdir(cache, { recursive: true });
  // Bundles of runs that were killed before their teardown, a day old: nobody runs them any more.
  for (const name of await fs.readdir(cache)) {
    if (!name.startsWith("wfm-server-bundle-")) continue;
    const stale = await fs.stat(path.join(cache, name)).then((s) => Date.now() - s.mtimeMs > 86_400_000, () => false);
    if (stale) await fs.rm(path.join(cache, name), { recursive: true, force: true });
  }
  const dir = await fs.mkdtemp(path.join(cache, "wfm-server-bundle-"));
  const file = path.join(dir, "wfm-server.mjs");
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  const rebuild = async () => {
    await build({
      absWorkingDir: root,
      entryPoints: [path.join(root, "scripts", "wfm-server.ts")],
      outfile: file,
      bundle: true,
      platform: "node",
      format: "esm",
      target: `node${process.versions.node}`,
      packages: "external",
      sourcemap: "inline",
      logLevel: "silent",
      plugins: [ownImportMeta],
    });
  };
  try {
    await rebuild();
  } catch (error) {
    await remove();
    throw error;
  }
  return { file, rebuild, remove };
}
