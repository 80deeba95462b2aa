import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildReport } from "../cli/posture-report/report";
import { runReport } from "../cli/posture-report/cli";
import { ScanResults, terraformDigest } from "../cli/posture-report/scan-results";

function writeStacks(dir: string, stacks: Record<string, object>): void {
  for (const [name, json] of Object.entries(stacks)) {
    mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
    writeFileSync(join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify(json));
  }
}

describe("npm run report (report-cli)", () => {
  it("fails with a clear message when nothing was synthesized", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-cli-"));
    const lines: string[] = [];
    expect(runReport(join(dir, "cdktf.out"), join(dir, "report.md"), (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([`posture report: no synthesized stacks in ${join(dir, "cdktf.out", "stacks")}; run \`npm run synth\` first.`]);
  });

  it("writes the report of every synthesized stack and prints the counts, saying no scan was run", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-cli-"));
    const stacks = { b: { resource: { aws_s3_bucket: { raw: { bucket: "raw" } } } }, a: { resource: {} } };
    writeStacks(dir, stacks);
    const lines: string[] = [];
    expect(runReport(join(dir, "cdktf.out"), join(dir, "report.md"), (l) => lines.push(l), join(dir, "scan-report.json"))).toBe(0);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(buildReport(stacks));
    expect(lines).toEqual([
      `posture report: wrote ${join(dir, "report.md")} for 2 stack(s): 3 error(s), 2 warning(s), 0 suppressed.`,
      `checkov scan: none in ${join(dir, "scan-report.json")}; run \`npm run scan\`.`,
    ]);
  });

  it("adds the scan of scan-report.json, marking the targets whose files changed since", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-cli-"));
    const stacks = { a: { resource: {} }, b: { resource: {} } };
    writeStacks(dir, stacks);
    const target = (name: string) => ({
      name: `stack ${name}`,
      path: join(dir, "cdktf.out", "stacks", name),
      checks: ["CKV_AWS_18"],
      passed: 1,
      failed: [],
      skipped: [],
    });
    const scan: ScanResults = {
      checkovVersion: "3.3.30",
      targets: [
        { ...target("a"), digest: terraformDigest(join(dir, "cdktf.out", "stacks", "a")) },
        { ...target("b"), digest: "scanned before the last synth" },
      ],
    };
    writeFileSync(join(dir, "scan-report.json"), JSON.stringify(scan));
    const lines: string[] = [];
    expect(runReport(join(dir, "cdktf.out"), join(dir, "report.md"), (l) => lines.push(l), join(dir, "scan-report.json"))).toBe(0);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(buildReport(stacks, { results: scan, changedSinceScan: new Set(["stack b"]) }));
    expect(lines[1]).toBe(
      `checkov scan (${join(dir, "scan-report.json")}): 0 failed check(s), 0 target(s) not scanned; changed since the scan: stack b`,
    );
  });
});
