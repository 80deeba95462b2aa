import { writeFileSync } from "fs";
import { ScanResults, ScanTarget, scanFailed, scanReportMarkdown, terraformDigest } from "../cli/posture-report/scan-results";
import { Checkov, ensureCheckov, runCheckov } from "./scan-checkov";
import { Target, classify, findTargets, targetJson, targetResources } from "./scan-targets";

/**
 * `npm run scan`: checkov on every synthesized stack (`npm run synth`) and on the Terraform
 * module with its examples (`npm run build:module`, which the npm script runs first).
 */

export interface ScanOptions {
  readonly cdktfOut?: string;
  readonly moduleDir?: string;
  readonly reportMarkdown?: string;
  readonly reportJson?: string;
  readonly cacheRoot?: string;
  readonly log?: (line: string) => void;
}

function seconds(since: bigint): string {
  return `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(1)} s`;
}

/** Scans one target; a checkov failure is the target's error, so the other targets still run. */
export async function scanTarget(checkov: Checkov, target: Target): Promise<ScanTarget> {
  const digest = terraformDigest(target.path);
  try {
    return classify(target, runCheckov(checkov, target.path, target.framework), targetResources(await targetJson(target)), digest);
  } catch (error) {
    return { name: target.name, path: target.path, digest, checks: [], passed: 0, failed: [], skipped: [], error: (error as Error).message };
  }
}

/** Returns the exit code: 1 when a check failed unexplained, a target could not be scanned, or nothing was there to scan. */
export async function runScan(options: ScanOptions = {}): Promise<number> {
  const log = options.log ?? console.log;
  const cdktfOut = options.cdktfOut ?? "cdktf.out";
  const moduleDir = options.moduleDir ?? "dist/terraform-module";
  const targets = findTargets(cdktfOut, moduleDir);
  if (!targets.some((t) => t.framework === "terraform_json")) {
    log(`scan: no synthesized stacks in ${cdktfOut}/stacks; run \`npm run synth\` first.`);
    return 1;
  }
  if (!targets.some((t) => t.framework === "terraform")) {
    log(`scan: no Terraform module in ${moduleDir}; run \`npm run build:module\` first.`);
    return 1;
  }
  const installStart = process.hrtime.bigint();
  const checkov = ensureCheckov({ cacheRoot: options.cacheRoot });
  log(
    `scan: checkov ${checkov.version} ${
      checkov.installed ? `installed into ${checkov.venv} in ${seconds(installStart)}` : `from ${checkov.venv} (cached)`
    }`,
  );
  const scanned: ScanTarget[] = [];
  for (const target of targets) {
    const start = process.hrtime.bigint();
    const result = await scanTarget(checkov, target);
    scanned.push(result);
    const counts = `${result.checks.length} checks, ${result.passed} passed, ${result.failed.length} failed, ${result.skipped.length} skipped`;
    log(`scan: ${target.name}: ${result.error ?? counts} (${seconds(start)})`);
    for (const f of result.failed) log(`  FAILED ${f.check} ${f.resource} (${f.file}): ${f.title}`);
  }
  const results: ScanResults = { checkovVersion: checkov.version, targets: scanned };
  const reportJson = options.reportJson ?? "scan-report.json";
  const reportMarkdown = options.reportMarkdown ?? "scan-report.md";
  writeFileSync(reportJson, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(reportMarkdown, scanReportMarkdown(results));
  const failed = scanFailed(results);
  log(`scan: ${failed ? "FAILED" : "passed"}; wrote ${reportMarkdown} and ${reportJson}. Skips and their reasons: docs/posture.md.`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  runScan().then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
