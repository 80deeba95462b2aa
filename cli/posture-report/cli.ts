#!/usr/bin/env node
import { existsSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { join } from "path";
import { analyzeStack } from "../../modules/posture/analyze";
import { ReportScan, countFindings, buildReport } from "./report";
import { ScanResults, changedSinceScan } from "./scan-results";
import { TerraformJson } from "../../modules/private/terraform-json";

/** Every `stacks/<name>/cdk.tf.json` under a cdktf output directory, by stack name. */
function readSynthesizedStacks(outdir: string): Record<string, TerraformJson> {
  const stacksDir = join(outdir, "stacks");
  const stacks: Record<string, TerraformJson> = {};
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (existsSync(file)) stacks[name] = JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
  }
  return stacks;
}

/** `npm run scan`'s results, when a scan was run. */
function readScan(scanFile: string): ReportScan | undefined {
  if (!existsSync(scanFile)) return undefined;
  const results = JSON.parse(readFileSync(scanFile, "utf8")) as ScanResults;
  return { results, changedSinceScan: changedSinceScan(results) };
}

/**
 * `npm run report`: writes the posture report of `<outdir>/stacks/*` to `<reportFile>`, with
 * the checkov scan of `<scanFile>` when there is one. Returns the exit code; exits non-zero only
 * when there is nothing to report on, since `cdktf synth` (and `npm run scan`) are the gates.
 */
export function runReport(
  outdir = "cdktf.out",
  reportFile = "posture-report.md",
  log: (line: string) => void = console.log,
  scanFile = "scan-report.json",
): number {
  const stacks = existsSync(join(outdir, "stacks")) ? readSynthesizedStacks(outdir) : {};
  if (Object.keys(stacks).length === 0) {
    log(`posture report: no synthesized stacks in ${join(outdir, "stacks")}; run \`npm run synth\` first.`);
    return 1;
  }
  const scan = readScan(scanFile);
  writeFileSync(reportFile, buildReport(stacks, scan));
  const counts = countFindings(Object.entries(stacks).flatMap(([name, json]) => analyzeStack(name, json).findings));
  log(
    `posture report: wrote ${reportFile} for ${Object.keys(stacks).length} stack(s): ${counts.errors} error(s), ${counts.warnings} warning(s), ${
      counts.suppressed
    } suppressed.`,
  );
  log(scan ? `checkov scan (${scanFile}): ${scanVerdict(scan)}` : `checkov scan: none in ${scanFile}; run \`npm run scan\`.`);
  return 0;
}

function scanVerdict({ results, changedSinceScan: changed }: ReportScan): string {
  const failed = results.targets.reduce((n, t) => n + t.failed.length, 0);
  const errors = results.targets.filter((t) => t.error !== undefined).length;
  const verdict = `${failed} failed check(s), ${errors} target(s) not scanned`;
  return changed.size > 0 ? `${verdict}; changed since the scan: ${[...changed].join(", ")}` : verdict;
}

if (require.main === module) {
  process.exitCode = runReport(process.argv[2], process.argv[3], console.log, process.argv[4]);
}
