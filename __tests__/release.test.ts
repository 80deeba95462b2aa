import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { writeModule } from "../tools/terraform-module/build";
import { buildModuleFiles } from "../tools/terraform-module/module-files";
import { MODULE_NAME } from "../tools/terraform-module/readme";
import { PackageJson, ROOT, readPackage } from "../tools/pack-flavours";
import { releaseArtifacts, releaseProblems, releaseTag, writeModuleArchive } from "../tools/release";

// The pure parts of tools/release.ts; `npm run release:dry-run` (in .ci/run) builds and checks the artifacts themselves.

const manifest = (version: string, url = "git+https://github.com/owner/repo.git"): PackageJson => ({
  name: "cdktf-lookout-vision-encryption",
  version,
  repository: { type: "git", url },
});
// Temporary folders go to the run's own folder, which jest's global teardown removes.
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe("release (tools/release.ts)", () => {
  it("publishes a tag only when it is v<package.json version>", () => {
    expect(releaseProblems({ tag: "v1.2.3", githubRepository: "owner/repo", manifest: manifest("1.2.3") })).toEqual([]);
    expect(releaseProblems({ tag: "v1.2.4", githubRepository: "owner/repo", manifest: manifest("1.2.3") })).toEqual([
      "tag v1.2.4 does not match package.json's version 1.2.3: tag v1.2.3, or change the version",
    ]);
    expect(releaseProblems({ tag: "1.2.3", githubRepository: "owner/repo", manifest: manifest("1.2.3") })).toHaveLength(1);
    expect(releaseProblems({ tag: "v1.2.3-rc.1", githubRepository: "owner/repo", manifest: manifest("1.2.3") })).toHaveLength(1);
    expect(releaseTag(readPackage(ROOT).version)).toBe(`v${readPackage(ROOT).version}`);
  });

  it("publishes only from the repository package.json names, which npm provenance requires", () => {
    for (const url of ["git+https://github.com/owner/repo.git", "https://github.com/Owner/Repo", "https://github.com/owner/repo.git"]) {
      expect(releaseProblems({ tag: "v1.0.0", githubRepository: "owner/repo", manifest: manifest("1.0.0", url) })).toEqual([]);
    }
    expect(releaseProblems({ tag: "v1.0.0", githubRepository: "fork/repo", manifest: manifest("1.0.0") })).toEqual([
      'package.json repository.url is "git+https://github.com/owner/repo.git": npm provenance needs this repository, https://github.com/fork/repo',
    ]);
    expect(releaseProblems({ tag: "v1.0.0", githubRepository: "owner/repo", manifest: { name: "x", version: "1.0.0" } })).toHaveLength(1);
  });

  it("names every artifact by package.json's name and version", () => {
    expect(releaseArtifacts(manifest("1.2.3"))).toEqual([
      "npm/cdktf-lookout-vision-encryption-1.2.3.tgz",
      "npm/cdktn-lookout-vision-encryption-1.2.3.tgz",
      "python/cdktf_lookout_vision_encryption-1.2.3-py3-none-any.whl",
      "python/cdktf_lookout_vision_encryption-1.2.3.tar.gz",
      `${MODULE_NAME}-v1.2.3.tar.gz`,
    ]);
    const { version } = readPackage(ROOT);
    for (const file of releaseArtifacts(readPackage(ROOT))) expect(file).toContain(version);
  });

  it("archives the module's files at the archive's root, the same bytes from two builds in two folders", () => {
    const files = buildModuleFiles();
    const archives = ["a", "b"].map((build) => {
      const dir = tempDir(`release-module-${build}-`);
      writeModule(join(dir, "module"), build === "a" ? files : buildModuleFiles());
      writeModuleArchive(join(dir, "module"), join(dir, "module.tar.gz"), 1767323045);
      return join(dir, "module.tar.gz");
    });
    expect(readFileSync(archives[1])).toEqual(readFileSync(archives[0]));

    const listing = spawnSync("tar", ["-tvzf", archives[0]], { encoding: "utf8", env: { ...process.env, TZ: "UTC" } })
      .stdout.split("\n")
      .filter(Boolean);
    const names = listing.map((line) => line.split(/\s+/).slice(5).join(" "));
    expect(
      names
        .filter((n) => !n.endsWith("/"))
        .map((n) => n.replace(/^\.\//, ""))
        .sort(),
    ).toEqual(Object.keys(files).sort());
    expect(names).toEqual(
      expect.arrayContaining([
        "./main.tf",
        "./variables.tf",
        "./outputs.tf",
        "./versions.tf",
        "./README.md",
        "./examples/complete/main.tf",
        "./tests/validation.tftest.hcl",
      ]),
    );
    for (const line of listing) expect(line).toMatch(/^[-d]rw[-x]r-[-x]r-[-x] 0\/0 .* 2026-01-02 03:04 /);
  });
});
