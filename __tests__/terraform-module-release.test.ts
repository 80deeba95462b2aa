import { spawnSync } from "child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { writeModule } from "../tools/terraform-module/build";
import { buildModuleFiles } from "../tools/terraform-module/module-files";
import { MODULE_NAME } from "../tools/terraform-module/readme";

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
const runIndex = (command: string) => steps.findIndex((s) => (s.run ?? "").split("\n").some((line) => line.trim().startsWith(command)));
const files = buildModuleFiles();
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sh(script: string, cwd: string, env: Record<string, string> = {}): string {
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", script], { cwd, env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", ...env }, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${script}\nexit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** A checkout with one commit, an `origin` (a bare repository), and the module built in dist/. */
function checkout(): { workspace: string; origin: string } {
  const root = tempDir("release-");
  const origin = join(root, "origin.git");
  const workspace = join(root, "workspace");
  mkdirSync(workspace);
  sh(`git init -q --bare "${origin}"`, root);
  writeFileSync(join(workspace, ".gitignore"), "dist/\n");
  sh(`git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init && git remote add origin "${origin}"`, workspace, {
    GIT_AUTHOR_DATE: "2026-01-02T03:04:05Z",
    GIT_COMMITTER_DATE: "2026-01-02T03:04:05Z",
  });
  writeModule(join(workspace, "dist", "terraform-module"), files);
  return { workspace, origin };
}

const step = (name: string) => steps.find((s) => s.name === name)!;

describe("release workflow (.github/workflows/release.yml)", () => {
  it("runs on version tags with write access to contents only", () => {
    expect(workflow.on.push.tags).toEqual(["v*"]);
    expect(workflow.permissions).toEqual({ contents: "write" });
  });

  it("installs, tests (the engine checks of the module included), builds the module, packages and publishes it, in that order", () => {
    const order = ["npm ci", "npm test", "npm run build:module", "tar ", "git push"].map(runIndex);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("pins every action to a full commit", () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });

  it("packages the registry module layout at the archive's root, the same bytes for the same commit, and attaches that file", () => {
    const { workspace } = checkout();
    const archive = join(workspace, `${MODULE_NAME}-v1.2.3.tar.gz`);
    const pack = step("Package the module").run!;
    sh(pack, workspace, { GITHUB_REF_NAME: "v1.2.3" });
    const first = readFileSync(archive);
    sh(pack, workspace, { GITHUB_REF_NAME: "v1.2.3" });
    expect(readFileSync(archive)).toEqual(first);

    const listing = sh(`tar -tzf "${archive}"`, workspace).split("\n").filter((l) => l && !l.endsWith("/"));
    expect(listing.map((l) => l.replace(/^\.\//, "")).sort()).toEqual(Object.keys(files).sort());
    expect(listing).toEqual(expect.arrayContaining(["./main.tf", "./variables.tf", "./outputs.tf", "./versions.tf", "./README.md", "./examples/complete/main.tf", "./tests/validation.tftest.hcl"]));

    const release = steps.find((s) => s.uses?.startsWith("softprops/action-gh-release@"));
    expect(release?.with?.files.replace("${{ github.ref_name }}", "v1.2.3")).toBe(`${MODULE_NAME}-v1.2.3.tar.gz`);
  });

  it("publishes the module's files alone on the terraform-module branch, one commit and tag per release, leaving the checkout as it was", () => {
    const { workspace, origin } = checkout();
    const publish = step("Publish on the terraform-module branch").run!;
    const head = sh("git rev-parse HEAD && git status --porcelain", workspace);
    for (const tag of ["v1.0.0", "v1.1.0"]) sh(publish, workspace, { GITHUB_REF_NAME: tag, RUNNER_TEMP: tempDir("runner-") });

    const branchFiles = sh("git ls-tree -r --name-only terraform-module", origin).trim().split("\n");
    expect(branchFiles.sort()).toEqual(Object.keys(files).sort());
    expect(sh("git show terraform-module:main.tf", origin)).toBe(files["main.tf"]);
    expect(sh("git log --format=%s terraform-module", origin).trim().split("\n")).toEqual(["Terraform module v1.1.0", "Terraform module v1.0.0"]);
    expect(sh("git rev-parse terraform-module-v1.1.0^{commit}", origin)).toBe(sh("git rev-parse terraform-module", origin));
    expect(sh("git rev-parse HEAD && git status --porcelain", workspace)).toBe(head);
  });
});
