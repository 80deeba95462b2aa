import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildReport } from "../modules/posture/report";
import { runReport } from "../modules/posture/report-cli";

describe("npm run report (report-cli)", () => {
  it("fails with a clear message when nothing was synthesized", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-cli-"));
    const lines: string[] = [];
    expect(runReport(join(dir, "cdktf.out"), join(dir, "report.md"), (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([`posture report: no synthesized stacks in ${join(dir, "cdktf.out", "stacks")}; run \`npm run synth\` first.`]);
  });

  it("writes the report of every synthesized stack and prints the counts", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-cli-"));
    const stacks = { b: { resource: { aws_s3_bucket: { raw: { bucket: "raw" } } } }, a: { resource: {} } };
    for (const [name, json] of Object.entries(stacks)) {
      mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
      writeFileSync(join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    }
    const lines: string[] = [];
    expect(runReport(join(dir, "cdktf.out"), join(dir, "report.md"), (l) => lines.push(l))).toBe(0);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(buildReport(stacks));
    expect(lines).toEqual([`posture report: wrote ${join(dir, "report.md")} for 2 stack(s): 3 error(s), 2 warning(s), 0 suppressed.`]);
  });
});
