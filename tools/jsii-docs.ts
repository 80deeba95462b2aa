#!/usr/bin/env node
// The Python API reference, python/API.md, generated from the jsii assembly by jsii-docgen
// (a test fails when it drifts). Needs `npm run build:jsii` first.
//
//   node dist/tools/jsii-docs.js [OUTPUT]    default: python/API.md

import { StdioOptions } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./pack-flavours";
import { STAGE } from "./jsii-build";
import { run } from "./pack-process";

/**
 * Writes the reference to `output`. jsii-docgen reads our assembly and every dependency's (the AWS
 * provider's is large: ~15 s); the same assembly and the same locked dependencies give the same
 * text, so it is kept beside the assembly and reused.
 */
export function writeApiDocs(output: string, stdio: StdioOptions = "inherit"): void {
  const inputs = createHash("sha256")
    .update(fs.readFileSync(path.join(STAGE, ".jsii")))
    .update(fs.readFileSync(path.join(ROOT, "package-lock.json")))
    .digest("hex");
  const kept = path.join(STAGE, `.api-docs-python-${inputs.slice(0, 16)}.md`);
  if (!fs.existsSync(kept)) {
    const docgen = path.join(ROOT, "node_modules", ".bin", "jsii-docgen");
    // Written under another name first (jsii-docgen wants the .md ending), so an interrupted run keeps nothing.
    const partial = kept.replace(/\.md$/, ".partial.md");
    run(docgen, ["--language", "python", "--output", partial], { cwd: STAGE, stdio });
    fs.renameSync(partial, kept);
  }
  fs.copyFileSync(kept, output);
}

if (require.main === module) writeApiDocs(path.resolve(process.argv[2] ?? path.join(ROOT, "python", "API.md")));
