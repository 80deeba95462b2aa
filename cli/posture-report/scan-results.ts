import { createHash } from "crypto";
import { existsSync, readFileSync, readdirSync } from "fs";
import { join, relative } from "path";
import { cell, code, table } from "../markdown";

/**
 * What `npm run scan` found with checkov, as written to `scan-report.json`: the posture report
 * reads it to show the independent scan beside our own findings.
 */

/** One checkov result on one resource. */
export interface CheckovResult {
  readonly check: string;
  /** checkov's title of the check. */
  readonly title: string;
  /** Resource address as checkov names it, e.g. `module.x.aws_s3_bucket.logs[0]`. */
  readonly resource: string;
  /** File of the resource, relative to the repository. */
  readonly file: string;
}

export interface SkippedResult extends CheckovResult {
  readonly reason: string;
  /** "skip table": CHECKOV_SKIPS applied by the scan; "comment": a `#checkov:skip` in the file, honoured by checkov. */
  readonly by: "skip table" | "comment";
}

export interface ScanTarget {
  /** "stack <name>" or "module". */
  readonly name: string;
  /** Directory scanned, relative to the repository. */
  readonly path: string;
  /** sha256 of the scanned files: tells whether the scan saw what is there now. */
  readonly digest: string;
  /** Distinct checks that gave a result, sorted. */
  readonly checks: readonly string[];
  readonly passed: number;
  /** Failures no skip explains: each fails the scan. */
  readonly failed: readonly CheckovResult[];
  readonly skipped: readonly SkippedResult[];
  /** The scan of this target did not complete (checkov crashed, a file did not parse, nothing was checked). */
  readonly error?: string;
}

export interface ScanResults {
  readonly checkovVersion: string;
  readonly targets: readonly ScanTarget[];
}

/** The Terraform files checkov reads in a directory (`.tf`, `.tf.json`), recursively, sorted; `.terraform` left out. */
export function terraformFilesIn(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory() && entry.name !== ".terraform") walk(path);
      else if (entry.isFile() && /\.tf(\.json)?$/.test(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** sha256 over the relative path and content of every Terraform file in `dir`; "" when `dir` is gone. */
export function terraformDigest(dir: string): string {
  if (!existsSync(dir)) return "";
  const hash = createHash("sha256");
  for (const file of terraformFilesIn(dir)) hash.update(`${relative(dir, file)}\0${readFileSync(file, "utf8")}\0`);
  return hash.digest("hex");
}

/** Names of the targets whose files differ from what was scanned. */
export function changedSinceScan(results: ScanResults): Set<string> {
  return new Set(results.targets.filter((t) => terraformDigest(t.path) !== t.digest).map((t) => t.name));
}

export function scanFailed(results: ScanResults): boolean {
  return results.targets.some((t) => t.failed.length > 0 || t.error !== undefined);
}

/** One row per target: checks run, results passed, failed, skipped. `stale` names targets changed since the scan. */
export function scanSummaryTable(results: ScanResults, stale: ReadonlySet<string> = new Set()): string {
  return table(
    ["target", "checks run", "passed", "failed", "skipped", "note"],
    results.targets.map((t) => [
      code(t.name),
      String(t.checks.length),
      String(t.passed),
      String(t.failed.length),
      String(t.skipped.length),
      cell([t.error ?? "", stale.has(t.name) ? "changed since the scan: run `npm run scan` again" : ""].filter((n) => n !== "").join("; ") || "-"),
    ]),
  );
}

export function failuresTable(failures: readonly (CheckovResult & { readonly target: string })[]): string {
  return table(
    ["target", "check", "resource", "file", "what checkov wants"],
    failures.map((f) => [code(f.target), code(f.check), code(f.resource), code(f.file), cell(f.title)]),
  );
}

/** Skipped results grouped by check and reason, with how many resources each covers. */
export function skipsTable(results: ScanResults): string {
  const groups = new Map<string, { check: string; reason: string; by: string; resources: number }>();
  for (const s of results.targets.flatMap((t) => t.skipped)) {
    const key = `${s.check}\n${s.by}\n${s.reason}`;
    const group = groups.get(key) ?? { check: s.check, reason: s.reason, by: s.by, resources: 0 };
    group.resources += 1;
    groups.set(key, group);
  }
  return table(
    ["check", "resources", "skipped by", "reason"],
    [...groups.values()].map((g) => [code(g.check), String(g.resources), cell(g.by), cell(g.reason)]),
  );
}

/** The scan section of the posture report, or what to run when no scan data is there. */
export function scanSection(results: ScanResults | undefined, stale: ReadonlySet<string> = new Set()): string {
  const heading = "## Independent scan: checkov";
  if (results === undefined) {
    return `${heading}\n\nNo checkov scan has been run: \`npm run scan\` scans the synthesized stacks and the Terraform module and writes \`scan-report.json\`, which this report reads.`;
  }
  const failures = results.targets.flatMap((t) => t.failed.map((f) => ({ ...f, target: t.name })));
  const skipped = results.targets.some((t) => t.skipped.length > 0);
  return [
    heading,
    `checkov ${results.checkovVersion}, from \`scan-report.json\` (details: \`scan-report.md\`). ${
      scanFailed(results) ? "**The scan failed.**" : "No unexplained failure."
    }`,
    scanSummaryTable(results, stale),
    ...(failures.length > 0 ? ["### Failed checks", failuresTable(failures)] : []),
    ...(skipped ? ["### Skipped checks (deliberate design differences, `docs/posture.md`)", skipsTable(results)] : []),
  ].join("\n\n");
}

function resultsTable(results: readonly CheckovResult[], lastColumn: { readonly header: string; readonly value: (i: number) => string }): string {
  return table(
    ["check", "resource", "file", lastColumn.header],
    results.map((r, i) => [code(r.check), code(r.resource), code(r.file), cell(lastColumn.value(i))]),
  );
}

/** `scan-report.md`: the summary, per target each failure and each skip, then why each check is skipped. */
export function scanReportMarkdown(results: ScanResults): string {
  const targets = results.targets.map((t) =>
    [
      `## \`${t.name}\` (\`${t.path}\`)`,
      ...(t.error !== undefined ? [`**Not scanned:** ${t.error}`] : []),
      "### Failed",
      t.failed.length > 0 ? resultsTable(t.failed, { header: "what checkov wants", value: (i) => t.failed[i].title }) : "No failed check.",
      "### Skipped",
      t.skipped.length > 0 ? resultsTable(t.skipped, { header: "skipped by", value: (i) => t.skipped[i].by }) : "No skipped check.",
    ].join("\n\n"),
  );
  const skipped = results.targets.some((t) => t.skipped.length > 0);
  return (
    [
      "# checkov scan",
      `checkov ${results.checkovVersion} on every synthesized stack and the Terraform module (with its examples), by \`npm run scan\`. ${
        scanFailed(results) ? "**The scan failed.**" : "No unexplained failure."
      }`,
      scanSummaryTable(results),
      ...targets,
      ...(skipped ? ["## Why each check is skipped", "The skip table and its reasons: `docs/posture.md`.", skipsTable(results)] : []),
    ].join("\n\n") + "\n"
  );
}
