#!/usr/bin/env node
// The Python suite (python/tests): installs the wheel from dist/packages/python into a fresh
// virtual environment with python/requirements.txt (pip's downloads cached outside the repo),
// then runs pytest. Needs `npm run build` (the TypeScript side the suite compares with) and
// `npm run package` (the wheel).

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cacheRoot } from "./tool-cache";
import { ROOT } from "./pack-flavours";
import { run } from "./pack-process";

const WHEELS = path.join(ROOT, "dist", "packages", "python");

function main(): void {
  const wheels = fs.existsSync(WHEELS) ? fs.readdirSync(WHEELS).filter((f) => f.endsWith(".whl")) : [];
  if (wheels.length !== 1)
    throw new Error(`expected one wheel in ${path.relative(ROOT, WHEELS)}, found ${wheels.length}: run \`npm run package\` first`);
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), "lookout-vision-python-"));
  // The jsii kernel's temporary folders go under the venv's folder, removed with it.
  const env = {
    ...process.env,
    PIP_CACHE_DIR: path.join(cacheRoot(), "pip"),
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: "1",
    TMPDIR: venv,
  };
  try {
    run("python3", ["-m", "venv", path.join(venv, "env")], { env });
    const python = path.join(venv, "env", "bin", "python");
    run(python, ["-m", "pip", "install", "--quiet", path.join(WHEELS, wheels[0]), "-r", path.join(ROOT, "python", "requirements.txt")], { env });
    run(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", path.join(ROOT, "python", "tests")], {
      env,
      cwd: path.join(ROOT, "python", "tests"),
    });
  } finally {
    fs.rmSync(venv, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
