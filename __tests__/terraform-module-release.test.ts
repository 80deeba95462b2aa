import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse } from "yaml";
import { writeModule } from "../tools/terraform-module/build";
import { buildModuleFiles } from "../tools/terraform-module/module-files";
import { MODULE_NAME } from "../tools/terraform-module/readme";
import { FLAVOURS, ROOT, readPackage } from "../tools/pack-flavours";
import { releaseArtifacts, writeModuleArchive } from "../tools/release";
import { expectInstalledEngine } from "./workflow-engine";

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly needs?: string;
  readonly environment?: string | { name: string };
  readonly permissions: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly strategy?: { matrix: Record<string, string[]> };
  readonly steps: Step[];
}

const text = readFileSync(join(__dirname, "..", ".github", "workflows", "release.yml"), "utf8");
const workflow = parse(text) as { on: { push: { tags: string[] } }; permissions: Record<string, string>; jobs: Record<string, Job> };
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const uses = (action: string) => (step: Step) => (step.uses ?? "").startsWith(`${action}@`);
const files = buildModuleFiles();
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sh(script: string, cwd: string, env: Record<string, string> = {}): string {
  const run = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd,
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", ...env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`${script}\nexit ${run.status}: ${run.stderr}`);
  return run.stdout;
}

/** A checkout with one commit, an `origin` (a bare repository), and the release's module archive downloaded into release/. */
function checkout(tags: readonly string[]): { workspace: string; origin: string } {
  const root = tempDir("release-");
  const origin = join(root, "origin.git");
  const workspace = join(root, "workspace");
  mkdirSync(workspace);
  sh(`git init -q --bare "${origin}"`, root);
  writeFileSync(join(workspace, ".gitignore"), "release/\n");
  sh(`git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init && git remote add origin "${origin}"`, workspace, {
    GIT_AUTHOR_DATE: "2026-01-02T03:04:05Z",
    GIT_COMMITTER_DATE: "2026-01-02T03:04:05Z",
  });
  writeModule(join(root, "module"), files);
  mkdirSync(join(workspace, "release"));
  for (const tag of tags) writeModuleArchive(join(root, "module"), join(workspace, "release", `${MODULE_NAME}-${tag}.tar.gz`), 1767323045);
  return { workspace, origin };
}

const step = (name: string) => steps.find((s) => s.name === name)!;

describe("release workflow (.github/workflows/release.yml)", () => {
  it("runs on version tags; write access to contents only for the GitHub release, an OIDC token only for the npm and PyPI jobs", () => {
    expect(workflow.on.push.tags).toEqual(["v*"]);
    expect(workflow.permissions).toEqual({});
    expect(Object.fromEntries(Object.entries(workflow.jobs).map(([id, job]) => [id, job.permissions]))).toEqual({
      test: { contents: "read" },
      build: { contents: "read" },
      npm: { "id-token": "write" },
      pypi: { "id-token": "write" },
      github: { contents: "write" },
    });
    expect(workflow.jobs.npm.environment).toBe("npm");
    expect(workflow.jobs.pypi.environment).toMatchObject({ name: "pypi" });
  });

  it("checks the tag against package.json, then tests on the installed engine", () => {
    const test = workflow.jobs.test;
    const check = test.steps.findIndex((s) => s.run === 'node dist/tools/release.js check-tag "$GITHUB_REF_NAME" "$GITHUB_REPOSITORY"');
    expect(check).toBeGreaterThan(test.steps.findIndex((s) => s.run === "npm ci"));
    expect(check).toBeLessThan(test.steps.findIndex((s) => s.run === "npm test"));
    expectInstalledEngine(test, { cached: false });
  });

  it("restores no cache: what is published is built from the tagged commit and the lockfile alone", () => {
    expect(steps.filter(uses("actions/cache"))).toEqual([]);
    for (const setup of steps.filter(uses("actions/setup-node"))) expect(setup.with).toMatchObject({ "package-manager-cache": false });
    expect(steps.filter((s) => s.with && "cache" in s.with)).toEqual([]);
  });

  it("after the tests, builds and checks every artifact with the dry run, and hands those files to the publishing jobs", () => {
    expect(workflow.jobs.build.needs).toBe("test");
    expect(workflow.jobs.build.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm run release:dry-run"]);
    expect(workflow.jobs.build.steps.find(uses("actions/upload-artifact"))?.with).toEqual({
      name: "release",
      path: "dist/release/",
      "if-no-files-found": "error",
    });
    for (const job of ["npm", "pypi", "github"]) {
      expect(workflow.jobs[job].needs).toBe("build");
      expect(workflow.jobs[job].steps.find(uses("actions/download-artifact"))?.with).toEqual({ name: "release", path: "release" });
    }
  });

  it("publishes both npm flavours with provenance, running nothing of the repository's", () => {
    const npm = workflow.jobs.npm;
    expect(npm.strategy?.matrix.flavour).toEqual(FLAVOURS.map((f) => f.engine));
    expect(npm.steps.filter((s) => uses("actions/checkout")(s) || /npm (ci|install|run)/.test(s.run ?? ""))).toEqual([]);
    const publish = npm.steps.find((s) => /npm publish/.test(s.run ?? ""))!;
    expect(publish.run).toContain('npm publish --provenance --access public --ignore-scripts ./release/npm/"$FLAVOUR"-*.tgz');
    expect(publish.env).toEqual({ FLAVOUR: "${{ matrix.flavour }}" });
    const manifest = readPackage(ROOT);
    const tarballs = releaseArtifacts(manifest).filter((f) => f.startsWith("npm/"));
    for (const flavour of FLAVOURS) expect(tarballs.filter((f) => f.startsWith(`npm/${flavour.engine}-`))).toHaveLength(1);
  });

  it("publishes the wheel and the sdist to PyPI by trusted publishing, with no password", () => {
    const publish = workflow.jobs.pypi.steps.find(uses("pypa/gh-action-pypi-publish"))!;
    expect(publish.with).toEqual({ "packages-dir": "release/python/" });
    expect(workflow.jobs.pypi.steps.map((s) => s.uses?.split("@")[0])).toEqual(["actions/download-artifact", "pypa/gh-action-pypi-publish"]);
  });

  it("pins every action to a release commit, with the version in a comment, and never leaves the token in a checkout", () => {
    const lines = text.split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines.length).toBe(steps.filter((s) => s.uses).length);
    for (const line of lines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    for (const s of steps.filter(uses("actions/checkout"))) expect(s.with?.["persist-credentials"]).toBe(false);
  });

  it("attaches every artifact and SHA256SUMS to the GitHub release, creating it or adding to it", () => {
    const attach = step("Attach to the release");
    expect(attach.env).toEqual({ GH_TOKEN: "${{ github.token }}" });
    const workspace = tempDir("release-attach-");
    const manifest = readPackage(ROOT);
    for (const file of [...releaseArtifacts(manifest), "SHA256SUMS"]) {
      mkdirSync(join(workspace, "release", file, ".."), { recursive: true });
      writeFileSync(join(workspace, "release", file), "");
    }
    const bin = tempDir("release-bin-");
    const gh = (viewStatus: number) => {
      writeFileSync(join(bin, "gh"), `#!/usr/bin/env bash\necho "$*" >> "${bin}/calls"\n[ "$2" = view ] && exit ${viewStatus}\nexit 0\n`);
      chmodSync(join(bin, "gh"), 0o755);
    };
    const env = { PATH: `${bin}:${process.env.PATH}`, GITHUB_REF_NAME: "v1.2.3", GITHUB_REPOSITORY: "o/r" };
    const expected = [...releaseArtifacts(manifest).map((f) => `release/${f}`)].sort();
    gh(1);
    sh(attach.run!, workspace, env);
    gh(0);
    sh(attach.run!, workspace, env);
    const calls = readFileSync(join(bin, "calls"), "utf8").trim().split("\n");
    expect(
      calls.map((c) =>
        c
          .split(" ")
          .filter((w) => !w.startsWith("release/"))
          .join(" "),
      ),
    ).toEqual([
      "release view v1.2.3 --repo o/r",
      "release create v1.2.3 --repo o/r --verify-tag --title v1.2.3 --generate-notes",
      "release view v1.2.3 --repo o/r",
      "release upload v1.2.3 --repo o/r --clobber",
    ]);
    for (const call of [calls[1], calls[3]]) {
      const attached = call.split(" ").filter((w) => w.startsWith("release/"));
      expect(attached.filter((f) => f !== "release/SHA256SUMS").sort()).toEqual(expected);
      expect(attached).toContain("release/SHA256SUMS");
    }
  });

  it("publishes the module archive's files alone on the terraform-module branch, one commit and tag per release, once, leaving the checkout as it was", () => {
    const { workspace, origin } = checkout(["v1.0.0", "v1.1.0"]);
    const publish = step("Publish on the terraform-module branch");
    expect(publish.env).toEqual({ GH_TOKEN: "${{ github.token }}" });
    const head = sh("git rev-parse HEAD && git status --porcelain", workspace);
    for (const tag of ["v1.0.0", "v1.1.0", "v1.1.0"])
      sh(publish.run!, workspace, { GITHUB_REF_NAME: tag, RUNNER_TEMP: tempDir("runner-"), GH_TOKEN: "token" });

    const branchFiles = sh("git ls-tree -r --name-only terraform-module", origin).trim().split("\n");
    expect(branchFiles.sort()).toEqual(Object.keys(files).sort());
    expect(sh("git show terraform-module:main.tf", origin)).toBe(files["main.tf"]);
    expect(sh("git log --format=%s terraform-module", origin).trim().split("\n")).toEqual(["Terraform module v1.1.0", "Terraform module v1.0.0"]);
    expect(sh("git rev-parse terraform-module-v1.1.0^{commit}", origin)).toBe(sh("git rev-parse terraform-module", origin));
    expect(sh("git rev-parse HEAD && git status --porcelain", workspace)).toBe(head);
    expect(readFileSync(join(workspace, ".git", "config"), "utf8")).not.toContain("token");
  });
});
