import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { writeModule } from "../modules/terraform-module/build";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
}

const workflow = parse(readFileSync(join(__dirname, "..", ".github", "workflows", "release.yml"), "utf8")) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const runIndex = (command: string) => steps.findIndex((s) => (s.run ?? "").trim().startsWith(command));

describe("release workflow (.github/workflows/release.yml)", () => {
  it("runs on version tags with write access to contents only", () => {
    expect(workflow.on.push.tags).toEqual(["v*"]);
    expect(workflow.permissions).toEqual({ contents: "write" });
  });

  it("installs, tests, then builds the module, in that order", () => {
    const order = ["npm ci", "npm test", "npm run build:module", "tar "].map(runIndex);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("pins every action to a full commit", () => {
    for (const step of steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });

  it("packages dist/terraform-module as a tarball with the module's files at its root, and attaches that file to the release", () => {
    const work = mkdtempSync(join(tmpdir(), "release-"));
    writeModule(join(work, "dist", "terraform-module"));
    const tar = steps[runIndex("tar ")].run as string;
    const packaged = spawnSync("bash", ["-c", tar], { cwd: work, env: { ...process.env, GITHUB_REF_NAME: "v1.2.3" }, encoding: "utf8" });
    expect(packaged.status).toBe(0);
    const listing = spawnSync("tar", ["-tzf", join(work, "terraform-module-v1.2.3.tar.gz")], { encoding: "utf8" });
    expect(listing.stdout.split("\n")).toEqual(expect.arrayContaining(["./main.tf", "./variables.tf", "./outputs.tf", "./versions.tf", "./README.md", "./examples/complete/main.tf"]));

    const release = steps.find((s) => s.uses?.startsWith("softprops/action-gh-release@"));
    expect(release?.with?.files.replace("${{ github.ref_name }}", "v1.2.3")).toBe("terraform-module-v1.2.3.tar.gz");
  });

  it("publishes the module's files on the terraform-module branch with a per-release tag", () => {
    const publish = steps.find((s) => (s.run ?? "").includes("git push"))?.run ?? "";
    expect(publish).toContain('cp -R "$GITHUB_WORKSPACE/dist/terraform-module/." .');
    expect(publish).toContain('git push origin terraform-module "terraform-module-${GITHUB_REF_NAME}"');
  });
});
