#!/usr/bin/env node
// The Python API reference, python/API.md, generated from the jsii assembly by jsii-docgen
// (a test fails when it drifts). Needs `npm run build:jsii` first.
//
//   node dist/tools/jsii-docs.js [OUTPUT]    default: python/API.md

import { StdioOptions } from "child_process";
import * as path from "path";
import { ROOT } from "./pack-flavours";
import { run } from "./pack-process";

export function writeApiDocs(output: string, stdio: StdioOptions = "inherit"): void {
  const docgen = path.join(ROOT, "node_modules", ".bin", "jsii-docgen");
  run(docgen, ["--language", "python", "--output", output], { cwd: path.join(ROOT, "dist", "jsii"), stdio });
}

if (require.main === module) writeApiDocs(path.resolve(process.argv[2] ?? path.join(ROOT, "python", "API.md")));
