import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/**
 * jest globalSetup: the run's temporary files go to one folder of its own, which the teardown
 * deletes. cdktf's Testing.synth* make a `cdktf.outdir.*` folder per call and never remove it
 * (~360 a run); tests and the processes they start take os.tmpdir(), which reads TMPDIR.
 */
export default function setup(): void {
  const runFolder = mkdtempSync(join(tmpdir(), "jest-run-"));
  process.env.JEST_RUN_TMPDIR = runFolder;
  process.env.JEST_RUN_TMPDIR_PARENT = process.env.TMPDIR ?? "";
  process.env.TMPDIR = runFolder;
}
