import { rmSync } from "fs";

/** jest globalTeardown: deletes the run's temporary folder (temp-folder-setup.ts) and restores TMPDIR. */
export default function teardown(): void {
  const runFolder = process.env.JEST_RUN_TMPDIR;
  if (!runFolder) return;
  rmSync(runFolder, { recursive: true, force: true });
  if (process.env.JEST_RUN_TMPDIR_PARENT) process.env.TMPDIR = process.env.JEST_RUN_TMPDIR_PARENT;
  else delete process.env.TMPDIR;
  delete process.env.JEST_RUN_TMPDIR;
  delete process.env.JEST_RUN_TMPDIR_PARENT;
}
