#!/usr/bin/env node
// The Python API reference, python/API.md, generated from the jsii assembly by jsii-docgen
// (a test fails when it drifts). Needs `npm run build:jsii` first.
//
//   node tools/jsii-docs.js [OUTPUT]    default: python/API.md
"use strict";

const { spawnSync } = require("node:child_process");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const output = path.resolve(process.argv[2] ?? path.join(ROOT, "python", "API.md"));
const docgen = path.join(ROOT, "node_modules", ".bin", "jsii-docgen");
const result = spawnSync(docgen, ["--language", "python", "--output", output], { cwd: path.join(ROOT, "dist", "jsii"), stdio: "inherit" });
process.exit(result.status ?? 1);
