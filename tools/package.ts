#!/usr/bin/env node
// Builds the other languages' packages from the jsii assembly into dist/packages/<language>/:
// a Python wheel (and sdist); a Maven artifact and a Go module on request. jsii-pacmak
// installs its Python build tools from PyPI into a virtual environment of its own; pip's
// downloads are cached outside the repo, as are Maven's and Go's (their usual caches).
//
//   node dist/tools/package.js                  the default targets (python)
//   node dist/tools/package.js python java go   these

import * as fs from "fs";
import * as path from "path";
import { cacheRoot } from "./tool-cache";
import { buildAssembly } from "./jsii-build";
import { ROOT } from "./pack-flavours";
import { run } from "./pack-process";

const STAGE = path.join(ROOT, "dist", "jsii");
const OUT = path.join(ROOT, "dist", "packages");
const TARGETS = ["python", "java", "go"];
/**
 * java and go build, but cannot resolve the AWS provider bindings that match our peer range
 * (@cdktf/provider-aws ^21.22.1) from here: Maven Central's newest com.hashicorp:cdktf-provider-aws
 * is 18.0.3, and the Go module proxy answers 403 for github.com/cdktf/cdktf-provider-aws-go/aws/v21.
 */
const DEFAULT_TARGETS = ["python"];

function sizes(dir: string): { file: string; bytes: number }[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => /\.(whl|tar\.gz|jar|pom)$/.test(file) || file.endsWith(".go"))
    .map((file) => ({ file: path.relative(ROOT, file), bytes: fs.statSync(file).size }));
}

function main(): void {
  const targets = process.argv.slice(2);
  const unknown = targets.filter((t) => !TARGETS.includes(t));
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(", ")}: expected some of ${TARGETS.join(", ")}`);
  const chosen = targets.length > 0 ? targets : DEFAULT_TARGETS;

  buildAssembly();
  const env = { ...process.env, PIP_CACHE_DIR: path.join(cacheRoot(), "pip"), PIP_DISABLE_PIP_VERSION_CHECK: "1" };
  for (const target of chosen) fs.rmSync(path.join(OUT, target), { recursive: true, force: true });
  run(path.join(ROOT, "node_modules", ".bin", "jsii-pacmak"), ["--targets", chosen.join(","), "--outdir", OUT, "--no-fingerprint"], {
    cwd: STAGE,
    env,
  });
  for (const { file, bytes } of chosen.flatMap((target) => sizes(path.join(OUT, target)))) console.log(`${file}\t${bytes}`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
