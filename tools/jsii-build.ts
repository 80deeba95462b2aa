#!/usr/bin/env node
// Compiles the constructs with jsii into dist/jsii/, a package of its own, so jsii's generated
// tsconfig.json and its JavaScript never touch the repo's tsconfig.json or dist/modules/. The
// staged package is modules/, the library, whole: its index is what every language gets; its
// assembly (dist/jsii/.jsii) is what jsii-pacmak turns into Python, Java and Go.
//
//   node dist/tools/jsii-build.js    stage, compile, print the assembly path

import { StdioOptions } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { PackageJson, ROOT, readPackage } from "./pack-flavours";
import { run } from "./pack-process";
import { sourceDigest } from "./tool-cache";

/** Where the package is staged and compiled; its assembly is `.jsii` there. */
export const STAGE = path.join(ROOT, "dist", "jsii");

/** jsii-pacmak targets: names other languages install and import. */
const TARGETS = {
  python: { distName: "cdktf-lookout-vision-encryption", module: "cdktf_lookout_vision_encryption" },
  java: {
    package: "io.github.cdktf.lookoutvision.encryption",
    maven: { groupId: "io.github.cdktf-lookout-vision-encryption", artifactId: "cdktf-lookout-vision-encryption" },
  },
  go: { moduleName: "github.com/cdktf-lookout-vision-encryption/go", packageName: "lookoutvisionencryption" },
};

function stagedPackageJson(pkg: PackageJson): PackageJson {
  if (!pkg.repository)
    throw new Error("jsii-build: package.json has no repository (jsii needs it, and npm provenance needs it to match the GitHub repository)");
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    keywords: pkg.keywords,
    license: pkg.license,
    // jsii requires both.
    author: { name: "cdktf-lookout-vision-encryption authors", organization: true },
    // npm's form has a `git+` prefix; the wheel's home page is the plain address.
    repository: { ...pkg.repository, url: pkg.repository.url.replace(/^git\+/, "") },
    main: "lib/index.js",
    types: "lib/index.d.ts",
    files: ["lib/**/*.js", "lib/**/*.d.ts", ".jsii", "README.md"],
    peerDependencies: pkg.peerDependencies,
    // jsii compiles against the lowest version each peer range allows.
    devDependencies: Object.fromEntries(
      Object.entries(pkg.peerDependencies ?? {}).map(([name, range]) => [name, semver.minVersion(range)?.version ?? range]),
    ),
    engines: pkg.engines,
    jsii: { outdir: "../packages", targets: TARGETS, tsc: { outDir: "lib", rootDir: "modules" } },
  };
}

/** The library, modules/, as it is: its index is the API every language gets. */
function stageSources(): void {
  fs.cpSync(path.join(ROOT, "modules"), path.join(STAGE, "modules"), { recursive: true });
}

/**
 * What the assembly is made from: the staged package.json, the library's files, the README and
 * the jsii version. The same digest means the same assembly, so a build with it is reused.
 */
function inputDigest(stagedPackage: string): string {
  const hash = createHash("sha256").update(stagedPackage);
  const jsiiVersion = readPackage(path.join(ROOT, "node_modules", "jsii")).version;
  hash.update(`\0jsii ${jsiiVersion}\0`).update(fs.readFileSync(path.join(ROOT, "README.md")));
  return hash.update(`\0modules ${sourceDigest(path.join(ROOT, "modules"))}`).digest("hex");
}

/**
 * Stages and compiles the package; returns the assembly's path. A build of the same inputs (one
 * run of `.ci/run` asks three times: the release, the Python test, the API check) is reused.
 */
export function buildAssembly(stdio: StdioOptions = "inherit"): string {
  const pkg = readPackage(ROOT);
  const stagedPackage = JSON.stringify(stagedPackageJson(pkg), null, 2) + "\n";
  const digest = inputDigest(stagedPackage);
  const stamp = path.join(STAGE, ".input-digest");
  if (fs.existsSync(path.join(STAGE, ".jsii")) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === digest) return path.join(STAGE, ".jsii");
  fs.rmSync(STAGE, { recursive: true, force: true });
  fs.mkdirSync(STAGE, { recursive: true });
  stageSources();
  fs.copyFileSync(path.join(ROOT, "README.md"), path.join(STAGE, "README.md"));
  // Tools that look for the dependencies' assemblies in the package's own folder (jsii-docgen) find the repo's.
  fs.symlinkSync(path.join("..", "..", "node_modules"), path.join(STAGE, "node_modules"), "dir");
  fs.writeFileSync(path.join(STAGE, "package.json"), stagedPackage);
  const jsii = path.join(ROOT, "node_modules", ".bin", "jsii");
  run(jsii, ["--silence-warnings=reserved-word"], { cwd: STAGE, stdio });
  fs.writeFileSync(stamp, digest);
  return path.join(STAGE, ".jsii");
}

if (require.main === module) console.log(buildAssembly());
