#!/usr/bin/env node
// Builds the other languages' packages from the jsii assembly into dist/packages/<language>/:
// a Python wheel (and sdist); a Maven artifact and a Go module on request. jsii-pacmak
// installs its Python build tools from PyPI into a virtual environment of its own; pip's
// downloads are cached outside the repo, as are Maven's and Go's (their usual caches).
//
//   node tools/package.js                  the default targets (python)
//   node tools/package.js python java go   these
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const STAGE = path.join(ROOT, "dist", "jsii");
const OUT = path.join(ROOT, "dist", "packages");
const TARGETS = ["python", "java", "go"];
/**
 * java and go build, but cannot resolve the AWS provider bindings that match our peer range
 * (@cdktf/provider-aws ^21.22.1) from here: Maven Central's newest com.hashicorp:cdktf-provider-aws
 * is 18.0.3, and the Go module proxy answers 403 for github.com/cdktf/cdktf-provider-aws-go/aws/v21.
 */
const DEFAULT_TARGETS = ["python"];

/** Downloads that outlive a build: ${XDG_CACHE_HOME:-~/.cache}/cdktf-lookout-vision-encryption/. */
const CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "cdktf-lookout-vision-encryption");

function run(command, args, options) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function sizes(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => /\.(whl|tar\.gz|jar|pom)$/.test(file) || file.endsWith(".go"))
    .map((file) => ({ file: path.relative(ROOT, file), bytes: fs.statSync(file).size }));
}

function main() {
  const targets = process.argv.slice(2);
  const unknown = targets.filter((t) => !TARGETS.includes(t));
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(", ")}: expected some of ${TARGETS.join(", ")}`);
  const chosen = targets.length > 0 ? targets : DEFAULT_TARGETS;

  run(process.execPath, [path.join(__dirname, "jsii-build.js")], { cwd: ROOT });
  const env = { ...process.env, PIP_CACHE_DIR: path.join(CACHE, "pip"), PIP_DISABLE_PIP_VERSION_CHECK: "1" };
  for (const target of chosen) fs.rmSync(path.join(OUT, target), { recursive: true, force: true });
  run(path.join(ROOT, "node_modules", ".bin", "jsii-pacmak"), ["--targets", chosen.join(","), "--outdir", OUT, "--no-fingerprint"], { cwd: STAGE, env });
  for (const { file, bytes } of chosen.flatMap((target) => sizes(path.join(OUT, target)))) console.log(`${file}\t${bytes}`);
}

main();
