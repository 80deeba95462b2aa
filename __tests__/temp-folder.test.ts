import { spawnSync } from "child_process";
import { readdirSync } from "fs";
import { tmpdir } from "os";
import { basename } from "path";
import { Testing } from "cdktf";

/** The run's temporary folder (temp-folder-setup.ts), deleted by the teardown: what tests make there is not left behind. */
describe("temporary files of the test run", () => {
  const runFolder = process.env.JEST_RUN_TMPDIR ?? "";

  it("go to the run's own folder, a fresh jest-run-* folder in the system's temporary folder", () => {
    expect(basename(runFolder)).toMatch(/^jest-run-/);
    expect(tmpdir()).toBe(runFolder);
  });

  it("include the cdktf.outdir.* folders of Testing.synth", () => {
    const outdirs = () => readdirSync(runFolder).filter((name) => name.startsWith("cdktf.outdir."));
    const before = outdirs().length;
    Testing.synthScope(() => undefined);
    expect(outdirs().length).toBe(before + 1);
  });

  it("include those of the processes tests start", () => {
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(require('os').tmpdir())"], { encoding: "utf8" });
    expect(child.stdout).toBe(runFolder);
  });
});
