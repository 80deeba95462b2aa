import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { MODULE_NAME } from "./terraform-module/readme";
import { ensureToolsVenv } from "./dev-tools";
import { packAll } from "./pack";
import { FLAVOURS, PackageJson, ROOT, flavourName, readPackage } from "./pack-flavours";
import { run } from "./pack-process";

/**
 * What a version tag publishes, built and checked the same way here and in
 * .github/workflows/release.yml:
 *
 *   node dist/tools/release.js                     build every artifact into dist/release/ and
 *                                                    check it offline (`npm run release:dry-run`)
 *   node dist/tools/release.js check-tag TAG REPO  fail unless TAG is v<package.json version>
 *                                                    and package.json names the GitHub repository REPO
 *
 * Every version comes from package.json: the npm packages', the wheel's (jsii reads it) and the
 * module archive's name.
 */

export const RELEASE_DIR = join(ROOT, "dist", "release");

/** The tag a release of `version` is pushed as. */
export const releaseTag = (version: string) => `v${version}`;

/** Why a tag push may not publish: its tag is not v<version>, or npm provenance would reject the repository. */
export function releaseProblems(options: { tag: string; githubRepository: string; manifest: PackageJson }): string[] {
  const { tag, githubRepository, manifest } = options;
  const problems: string[] = [];
  if (tag !== releaseTag(manifest.version))
    problems.push(`tag ${tag} does not match package.json's version ${manifest.version}: tag ${releaseTag(manifest.version)}, or change the version`);
  const repository = (manifest.repository as { url?: string } | undefined)?.url ?? "";
  const expected = `https://github.com/${githubRepository}`;
  if (
    repository
      .replace(/^git\+/, "")
      .replace(/\.git$/, "")
      .toLowerCase() !== expected.toLowerCase()
  ) {
    problems.push(`package.json repository.url is "${repository}": npm provenance needs this repository, ${expected}`);
  }
  return problems;
}

/** The files of a release, relative to dist/release/. */
export function releaseArtifacts(manifest: PackageJson): string[] {
  const { version } = manifest;
  const python = manifest.name.replace(/-/g, "_");
  return [
    ...FLAVOURS.map((flavour) => `npm/${flavourName(manifest, flavour)}-${version}.tgz`),
    `python/${python}-${version}-py3-none-any.whl`,
    `python/${python}-${version}.tar.gz`,
    `${MODULE_NAME}-${releaseTag(version)}.tar.gz`,
  ];
}

/**
 * The module's files as a .tar.gz at the archive's root: sorted, owned by root, modes without the
 * umask's say, dated `epoch` and gzip without a name or time, so the same files give the same bytes.
 */
export function writeModuleArchive(moduleDir: string, archive: string, epoch: number): void {
  const tar = spawnSync(
    "tar",
    [
      "--format=gnu",
      "--sort=name",
      `--mtime=@${epoch}`,
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mode=u+rw,go=rX",
      "-C",
      moduleDir,
      "-cf",
      "-",
      ".",
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (tar.status !== 0) throw new Error(`release: tar of ${moduleDir} failed (exit ${tar.status}): ${String(tar.stderr)}`);
  const gzip = spawnSync("gzip", ["-n"], { input: tar.stdout, maxBuffer: 256 * 1024 * 1024 });
  if (gzip.status !== 0) throw new Error(`release: gzip failed (exit ${gzip.status}): ${String(gzip.stderr)}`);
  writeFileSync(archive, gzip.stdout);
}

export const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** The commit's time (SOURCE_DATE_EPOCH when set): what dates the module archive's files. */
function sourceDateEpoch(): number {
  const value = process.env.SOURCE_DATE_EPOCH || run("git", ["log", "-1", "--format=%ct"], { cwd: ROOT, stdio: "pipe" }).trim();
  if (!/^\d+$/.test(value))
    throw new Error(`release: no commit time to date the module archive with (git log gave "${value}"; set SOURCE_DATE_EPOCH)`);
  return Number(value);
}

/** Builds the module twice, each in a process of its own, and fails unless both archives are the same bytes. */
function buildModuleArchive(out: string): void {
  const epoch = sourceDateEpoch();
  const work = mkdtempSync(join(tmpdir(), "release-module-"));
  try {
    const digests = ["first", "second"].map((build) => {
      const dir = join(work, build);
      run(process.execPath, [join(ROOT, "dist", "tools", "terraform-module", "build.js"), dir], { stdio: "pipe" });
      writeModuleArchive(dir, join(work, `${build}.tar.gz`), epoch);
      return sha256(join(work, `${build}.tar.gz`));
    });
    if (digests[0] !== digests[1])
      throw new Error(`release: the module archive is not reproducible: two builds of the same commit gave sha256 ${digests.join(" and ")}`);
    copyFileSync(join(work, "first.tar.gz"), out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Writes every artifact of `releaseArtifacts` into dist/release/, and SHA256SUMS of them. */
export function buildRelease(manifest: PackageJson): string[] {
  rmSync(RELEASE_DIR, { recursive: true, force: true });
  packAll(join(RELEASE_DIR, "npm"));
  run(process.execPath, [join(ROOT, "dist", "tools", "package.js"), "python"], { cwd: ROOT, stdio: ["ignore", 2, 2] });
  const wheels = join(ROOT, "dist", "packages", "python");
  mkdirSync(join(RELEASE_DIR, "python"));
  for (const file of readdirSync(wheels)) copyFileSync(join(wheels, file), join(RELEASE_DIR, "python", file));
  buildModuleArchive(join(RELEASE_DIR, `${MODULE_NAME}-${releaseTag(manifest.version)}.tar.gz`));
  const artifacts = listArtifacts();
  writeFileSync(join(RELEASE_DIR, "SHA256SUMS"), artifacts.map((file) => `${sha256(join(RELEASE_DIR, file))}  ${file}\n`).join(""));
  return artifacts;
}

/** The files in dist/release/ (SHA256SUMS aside), sorted. */
function listArtifacts(): string[] {
  return readdirSync(RELEASE_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== "SHA256SUMS")
    .map((entry) => join(entry.parentPath, entry.name).slice(RELEASE_DIR.length + 1))
    .sort();
}

interface NpmPublishDryRun {
  readonly id: string;
  readonly files: readonly unknown[];
}

/** The offline checks: the expected files and no other, `npm publish --dry-run` of each tarball, `twine check` of the wheel and sdist. */
export function checkRelease(manifest: PackageJson): void {
  const expected = releaseArtifacts(manifest);
  const found = listArtifacts();
  if (found.join("\n") !== [...expected].sort().join("\n"))
    throw new Error(`release: dist/release/ holds ${found.join(", ")}; expected ${expected.join(", ")}`);

  for (const tarball of expected.filter((file) => file.endsWith(".tgz"))) {
    // --offline: the dry run reads the tarball only (else npm asks the registry who is logged in).
    const output = run("npm", ["publish", "--dry-run", "--offline", "--ignore-scripts", "--json", join(RELEASE_DIR, tarball)], {
      cwd: RELEASE_DIR,
      stdio: "pipe",
    });
    const [published] = Object.values(JSON.parse(output) as Record<string, NpmPublishDryRun>);
    const id = `${tarball.slice("npm/".length, -`-${manifest.version}.tgz`.length)}@${manifest.version}`;
    if (published?.id !== id || published.files.length === 0)
      throw new Error(`release: npm publish --dry-run of ${tarball} would publish ${published?.id}, expected ${id} with its files`);
  }

  const venv = ensureToolsVenv({ context: "release" });
  run(
    join(venv.path, "bin", "python"),
    [
      "-m",
      "twine",
      "--no-color",
      "check",
      "--strict",
      ...expected.filter((file) => file.startsWith("python/")).map((file) => join(RELEASE_DIR, file)),
    ],
    {
      stdio: "pipe",
    },
  );
}

function main(args: readonly string[]): void {
  const manifest = readPackage(ROOT);
  if (args[0] === "check-tag") {
    const [tag, githubRepository] = args.slice(1);
    if (!tag || !githubRepository) throw new Error("usage: release.js check-tag <tag> <owner/repository>");
    const problems = releaseProblems({ tag, githubRepository, manifest });
    if (problems.length > 0) throw new Error(`release: ${problems.join("; ")}`);
    console.log(`release: ${tag} is package.json's version, from ${githubRepository}`);
    return;
  }
  if (args.length > 0) throw new Error(`usage: release.js [check-tag <tag> <owner/repository>]; got ${args.join(" ")}`);
  if (!existsSync(join(ROOT, "dist", "modules", "index.js"))) throw new Error("release: no compiled code in dist/: run `npm run build` first");
  buildRelease(manifest);
  checkRelease(manifest);
  console.log(
    `release: every artifact of ${releaseTag(
      manifest.version,
    )} built and checked (npm publish --dry-run, twine check, module archive built twice, same bytes):`,
  );
  for (const file of releaseArtifacts(manifest))
    console.log(`  dist/release/${file}\t${statSync(join(RELEASE_DIR, file)).size} bytes\tsha256 ${sha256(join(RELEASE_DIR, file))}`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
