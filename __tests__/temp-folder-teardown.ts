import { existsSync, readdirSync, readFileSync, rmSync } from "fs";
import { join } from "path";
import { SharedProvider, stopSharedProvider } from "../tools/shared-provider";
import { SHARED_PROVIDERS } from "./engine";

/**
 * jest globalTeardown: stops the shared providers the run started (the schema provider, and any a
 * failed file left), deletes the run's temporary folder (temp-folder-setup.ts) and restores TMPDIR.
 */
export default function teardown(): void {
  const runFolder = process.env.JEST_RUN_TMPDIR;
  if (!runFolder) return;
  const records = join(runFolder, SHARED_PROVIDERS);
  if (existsSync(records))
    for (const file of readdirSync(records).filter((f) => f.endsWith(".json")))
      stopSharedProvider(JSON.parse(readFileSync(join(records, file), "utf8")) as SharedProvider);
  rmSync(runFolder, { recursive: true, force: true });
  if (process.env.JEST_RUN_TMPDIR_PARENT) process.env.TMPDIR = process.env.JEST_RUN_TMPDIR_PARENT;
  else delete process.env.TMPDIR;
  delete process.env.JEST_RUN_TMPDIR;
  delete process.env.JEST_RUN_TMPDIR_PARENT;
}
