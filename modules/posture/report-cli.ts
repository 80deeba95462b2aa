import { existsSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { join } from "path";
import { analyzeStack } from "./analyze";
import { countFindings, buildReport } from "./report";
import { TerraformJson } from "./terraform-json";

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

/**
 * `npm run report`: writes the posture report of `<outdir>/stacks/*` to `<reportFile>`.
 * Returns the exit code; exits non-zero only when there is nothing to report on, since
 * `cdktf synth` is the gate that fails on posture errors.
 */
export function runReport(outdir = "cdktf.out", reportFile = "posture-report.md", log: (line: string) => void = console.log): number {
  const stacks = existsSync(join(outdir, "stacks")) ? readSynthesizedStacks(outdir) : {};
  if (Object.keys(stacks).length === 0) {
    log(`posture report: no synthesized stacks in ${join(outdir, "stacks")}; run \`npm run synth\` first.`);
    return 1;
  }
  writeFileSync(reportFile, buildReport(stacks));
  const counts = countFindings(Object.entries(stacks).flatMap(([name, json]) => analyzeStack(name, json).findings));
  log(`posture report: wrote ${reportFile} for ${Object.keys(stacks).length} stack(s): ${counts.errors} error(s), ${counts.warnings} warning(s), ${counts.suppressed} suppressed.`);
  return 0;
}

if (require.main === module) {
  process.exitCode = runReport(process.argv[2], process.argv[3]);
}
