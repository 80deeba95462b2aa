import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { scanReportMarkdown, terraformDigest } from "../cli/posture-report/scan-results";
import { checkovSkipsFor } from "../tools/checkov-skips";
import { sampleScan } from "./posture-fixtures";
import { REQUIREMENTS_FILE, checkovVersion, ensureCheckov } from "../tools/scan-checkov";
import { Command, Runner, cacheRoot } from "../tools/tool-cache";
import { Target, classify, findTargets, resourceAddress, targetJson, targetResources } from "../tools/scan-targets";
import { runScan } from "../tools/scan";

const OK: Command = { status: 0, stdout: "True\n", stderr: "" };

/** A runner that records each command and pretends: `python -m venv DIR` creates DIR/bin. */
function fakeRunner(): { run: Runner; commands: string[] } {
  const commands: string[] = [];
  const run: Runner = (command, args) => {
    commands.push([command, ...args].join(" "));
    if (args[0] === "-m" && args[1] === "venv") mkdirSync(join(args[2], "bin"), { recursive: true });
    return OK;
  };
  return { run, commands };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "scan-test-"));
}

describe("checkov install (tools/scan-checkov.ts)", () => {
  it("pins checkov by the checkov== line of tools/scan-requirements.txt, with every dependency pinned too", () => {
    const requirements = readFileSync(REQUIREMENTS_FILE, "utf8");
    expect(checkovVersion(requirements)).toMatch(/^\d+\.\d+\.\d+$/);
    const lines = requirements.split("\n").filter((l) => l.trim() !== "");
    expect(lines.filter((l) => !/^[A-Za-z0-9._-]+==\S+$/.test(l))).toEqual([]);
  });

  it("caches the venv outside the repository, under XDG_CACHE_HOME or ~/.cache", () => {
    expect(cacheRoot({ XDG_CACHE_HOME: "/x" })).toBe("/x/cdktf-lookout-vision-encryption");
    expect(cacheRoot({})).toMatch(/\.cache\/cdktf-lookout-vision-encryption$/);
  });

  it("installs into <cache>/checkov-<version> on first use and installs nothing the second time", () => {
    const cacheRoot = tempDir();
    const first = fakeRunner();
    const installed = ensureCheckov({ cacheRoot, run: first.run });
    const version = checkovVersion(readFileSync(REQUIREMENTS_FILE, "utf8"));
    expect(installed).toEqual({ version, venv: join(cacheRoot, `checkov-${version}`), installed: true });
    expect(first.commands.map((c) => c.replace(/checkov-[\d.]+\.partial-\w+/g, "PARTIAL").replace(cacheRoot, "CACHE"))).toEqual([
      "python3 -c import sys; print(sys.version_info >= (3, 9))",
      "python3 -m venv CACHE/PARTIAL",
      `CACHE/PARTIAL/bin/python -m pip install --disable-pip-version-check --no-input --quiet -r ${REQUIREMENTS_FILE}`,
    ]);
    const second = fakeRunner();
    expect(ensureCheckov({ cacheRoot, run: second.run })).toEqual({ ...installed, installed: false });
    expect(second.commands).toEqual([]);
  });

  it("reinstalls when the requirements changed, and leaves no partial folder behind", () => {
    const cacheRoot = tempDir();
    const requirementsFile = join(cacheRoot, "requirements.txt");
    writeFileSync(requirementsFile, "checkov==1.2.3\nfoo==1\n");
    ensureCheckov({ cacheRoot, run: fakeRunner().run, requirementsFile });
    writeFileSync(requirementsFile, "checkov==1.2.3\nfoo==2\n");
    const again = fakeRunner();
    expect(ensureCheckov({ cacheRoot, run: again.run, requirementsFile }).installed).toBe(true);
    expect(again.commands).toHaveLength(3);
    expect(existsSync(join(cacheRoot, "checkov-1.2.3"))).toBe(true);
    expect(readdirSync(cacheRoot).sort()).toEqual(["checkov-1.2.3", "requirements.txt"]);
  });

  it("says what is missing when there is no Python 3.9+", () => {
    const run: Runner = () => ({ status: 127, stdout: "", stderr: "python3: not found" });
    expect(() => ensureCheckov({ cacheRoot: tempDir(), run })).toThrow(
      /scan: checkov [\d.]+ needs Python 3\.9 or newer as "python3" on PATH, to install it from PyPI; python3: not found/,
    );
  });

  it("names the failing pip install and keeps no half-installed venv", () => {
    const cacheRoot = tempDir();
    const run: Runner = (_command, args) => {
      if (args[0] === "-m" && args[1] === "pip")
        return { status: 1, stdout: "", stderr: "ERROR: No matching distribution found for checkov==3.3.30" };
      return OK;
    };
    expect(() => ensureCheckov({ cacheRoot, run })).toThrow(
      /pip install -r .*scan-requirements\.txt failed \(exit 1\): ERROR: No matching distribution/,
    );
    expect(readdirSync(cacheRoot)).toEqual([]);
  });
});

/** A checkov JSON report with the given results. */
function checkovReport(results: { passed?: object[]; failed?: object[]; skipped?: object[]; parsing_errors?: string[] }) {
  return {
    check_type: "terraform_json",
    results: {
      passed_checks: results.passed ?? [],
      failed_checks: results.failed ?? [],
      skipped_checks: results.skipped ?? [],
      parsing_errors: results.parsing_errors ?? [],
    },
    summary: { parsing_errors: (results.parsing_errors ?? []).length },
  };
}

function record(check: string, resource: string, extra: object = {}) {
  return { check_id: check, check_name: `title of ${check}`, resource, file_path: "/cdk.tf.json", ...extra };
}

/** A stack with a data bucket logging into a log bucket, and a key. */
const STACK = {
  resource: {
    aws_s3_bucket: { data: { bucket: "data" }, logs: { bucket: "logs" } },
    aws_s3_bucket_logging: { data: { bucket: "${aws_s3_bucket.data.id}", target_bucket: "${aws_s3_bucket.logs.id}" } },
    aws_kms_key: { key: {} },
  },
};

const TARGET: Target = { name: "stack s", path: "cdktf.out/stacks/s", framework: "terraform_json" };

describe("classifying checkov's results (tools/scan-targets.ts)", () => {
  const resources = targetResources(STACK);

  it("knows which buckets receive access logs, and the type of every resource name", () => {
    expect([...resources.accessLogBuckets]).toEqual(["aws_s3_bucket.logs"]);
    expect(resources.typeOfName.get("key")).toBe("aws_kms_key");
  });

  it("reads checkov's resource names: module paths, indexes, and `resource.<name>` of its Python checks on Terraform JSON", () => {
    expect(resourceAddress("module.m.aws_s3_bucket.logs[0]", resources)).toEqual({ type: "aws_s3_bucket", name: "logs" });
    expect(resourceAddress('module.a["x"].module.b.aws_s3_bucket.out["models"]', resources)).toEqual({ type: "aws_s3_bucket", name: "out" });
    expect(resourceAddress("resource.key", resources)).toEqual({ type: "aws_kms_key", name: "key" });
    expect(resourceAddress("resource.unknown", resources)).toBeUndefined();
  });

  it("turns a failure the skip table covers into a skip with its reason, per resource: access-log skips only on log buckets", () => {
    const output = checkovReport({
      passed: [record("CKV_AWS_7", "resource.key")],
      failed: [record("CKV_AWS_145", "aws_s3_bucket.logs"), record("CKV_AWS_145", "aws_s3_bucket.data"), record("CKV2_AWS_62", "aws_s3_bucket.data")],
    });
    const result = classify(TARGET, output, resources, "digest");
    expect(result.failed).toEqual([
      { check: "CKV_AWS_145", title: "title of CKV_AWS_145", resource: "aws_s3_bucket.data", file: "cdktf.out/stacks/s/cdk.tf.json" },
    ]);
    expect(result.skipped.map((s) => [s.check, s.resource, s.by, s.reason.slice(0, 20)])).toEqual([
      ["CKV2_AWS_62", "aws_s3_bucket.data", "skip table", "Event notifications:"],
      ["CKV_AWS_145", "aws_s3_bucket.logs", "skip table", "S3 cannot deliver se"],
    ]);
    expect(result).toMatchObject({
      name: "stack s",
      path: "cdktf.out/stacks/s",
      digest: "digest",
      passed: 1,
      checks: ["CKV2_AWS_62", "CKV_AWS_145", "CKV_AWS_7"],
    });
    expect(result.error).toBeUndefined();
  });

  it("names the resource of a `resource.<name>` failure by its type", () => {
    const result = classify(TARGET, checkovReport({ failed: [record("CKV_AWS_7", "resource.key")] }), resources, "d");
    expect(result.failed.map((f) => f.resource)).toEqual(["aws_kms_key.key"]);
  });

  it("keeps checkov's own skips (#checkov:skip comments) when the table holds them; any other comment fails", () => {
    const [logsVersioning] = checkovSkipsFor({ resourceType: "aws_s3_bucket", receivesAccessLogs: true }).filter((s) => s.check === "CKV_AWS_21");
    const comment = (resource: string, reason: string) =>
      record("CKV_AWS_21", resource, { check_result: { result: "SKIPPED", suppress_comment: `:${reason}` } });
    const result = classify(
      TARGET,
      checkovReport({
        skipped: [
          comment("aws_s3_bucket.logs", logsVersioning.reason),
          comment("aws_s3_bucket.data", logsVersioning.reason),
          comment("aws_s3_bucket.logs", "no time"),
        ],
      }),
      resources,
      "d",
    );
    expect(result.skipped).toEqual([
      {
        check: "CKV_AWS_21",
        title: "title of CKV_AWS_21",
        resource: "aws_s3_bucket.logs",
        file: "cdktf.out/stacks/s/cdk.tf.json",
        reason: logsVersioning.reason,
        by: "comment",
      },
    ]);
    expect(result.failed.map((f) => [f.resource, f.title])).toEqual([
      ["aws_s3_bucket.data", `title of CKV_AWS_21 (skipped by a #checkov:skip comment that CHECKOV_SKIPS does not hold: "${logsVersioning.reason}")`],
      ["aws_s3_bucket.logs", 'title of CKV_AWS_21 (skipped by a #checkov:skip comment that CHECKOV_SKIPS does not hold: "no time")'],
    ]);
  });

  it("is an error, never a pass, when checkov could not parse a file or checked nothing", () => {
    expect(classify(TARGET, checkovReport({ parsing_errors: [join(process.cwd(), "cdktf.out/stacks/s/cdk.tf.json")] }), resources, "d").error).toBe(
      "checkov could not parse cdktf.out/stacks/s/cdk.tf.json",
    );
    expect(classify(TARGET, { passed: 0, failed: 0, skipped: 0 }, resources, "d").error).toBe("checkov checked nothing");
  });

  it("reads both one report and the list checkov prints when several frameworks ran", () => {
    const one = checkovReport({ passed: [record("CKV_AWS_7", "resource.key")] });
    expect(classify(TARGET, [one, one], resources, "d").passed).toBe(2);
  });
});

describe("targets (tools/scan-targets.ts)", () => {
  it("finds every synthesized stack, then the module", () => {
    const dir = tempDir();
    for (const name of ["b", "a"]) {
      mkdirSync(join(dir, "cdktf.out", "stacks", name), { recursive: true });
      writeFileSync(join(dir, "cdktf.out", "stacks", name, "cdk.tf.json"), "{}");
    }
    mkdirSync(join(dir, "cdktf.out", "stacks", "empty"));
    mkdirSync(join(dir, "module"));
    expect(findTargets(join(dir, "cdktf.out"), join(dir, "module"))).toEqual([
      { name: "stack a", path: join(dir, "cdktf.out", "stacks", "a"), framework: "terraform_json" },
      { name: "stack b", path: join(dir, "cdktf.out", "stacks", "b"), framework: "terraform_json" },
      { name: "module", path: join(dir, "module"), framework: "terraform" },
    ]);
  });

  it("reads an HCL module's resources like a stack, following indexed references to the log bucket", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "main.tf"),
      `resource "aws_s3_bucket" "logs" {
  count = var.on ? 1 : 0
}
resource "aws_s3_bucket" "output" {
  for_each = var.outputs
}
resource "aws_s3_bucket_logging" "output" {
  for_each      = var.outputs
  bucket        = aws_s3_bucket.output[each.key].id
  target_bucket = aws_s3_bucket.logs[0].id
}
`,
    );
    const resources = targetResources(await targetJson({ name: "module", path: dir, framework: "terraform" }));
    expect([...resources.accessLogBuckets]).toEqual(["aws_s3_bucket.logs"]);
    expect(resources.typeOfName.get("output")).toBeUndefined(); // two types share the name: `resource.output` names neither
    expect(resources.typeOfName.get("logs")).toBe("aws_s3_bucket");
  });

  it("digests the Terraform files of a target, so a changed file shows", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "main.tf"), "a");
    writeFileSync(join(dir, "README.md"), "not read");
    const before = terraformDigest(dir);
    writeFileSync(join(dir, "README.md"), "changed");
    expect(terraformDigest(dir)).toBe(before);
    writeFileSync(join(dir, "main.tf"), "b");
    expect(terraformDigest(dir)).not.toBe(before);
    expect(terraformDigest(join(dir, "gone"))).toBe("");
  });
});

describe("npm run scan (tools/scan.ts)", () => {
  it("refuses to pass when nothing was synthesized", async () => {
    const dir = tempDir();
    const lines: string[] = [];
    expect(await runScan({ cdktfOut: join(dir, "cdktf.out"), moduleDir: join(dir, "module"), log: (l) => lines.push(l) })).toBe(1);
    expect(lines).toEqual([`scan: no synthesized stacks in ${join(dir, "cdktf.out")}/stacks; run \`npm run synth\` first.`]);
  });

  it("writes scan-report.md with each failure and skip by check, resource and file", () => {
    const results = sampleScan();
    expect(scanReportMarkdown(results).split("\n\n")).toEqual([
      "# checkov scan",
      "checkov 3.3.30 on every synthesized stack and the Terraform module (with its examples), by `npm run scan`. **The scan failed.**",
      "| target | checks run | passed | failed | skipped | note |\n| --- | --- | --- | --- | --- | --- |\n| `stack s` | 2 | 7 | 1 | 1 | - |\n| `module` | 0 | 0 | 0 | 0 | checkov checked nothing |",
      "## `stack s` (`cdktf.out/stacks/s`)",
      "### Failed",
      "| check | resource | file | what checkov wants |\n| --- | --- | --- | --- |\n| `CKV_AWS_18` | `aws_s3_bucket.data` | `cdktf.out/stacks/s/cdk.tf.json` | Ensure the S3 bucket has access logging enabled |",
      "### Skipped",
      "| check | resource | file | skipped by |\n| --- | --- | --- | --- |\n| `CKV_AWS_21` | `aws_s3_bucket.logs` | `cdktf.out/stacks/s/cdk.tf.json` | skip table |",
      "## `module` (`dist/terraform-module`)",
      "**Not scanned:** checkov checked nothing",
      "### Failed",
      "No failed check.",
      "### Skipped",
      "No skipped check.",
      "## Why each check is skipped",
      "The skip table and its reasons: `docs/posture.md`.",
      "| check | resources | skipped by | reason |\n| --- | --- | --- | --- |\n| `CKV_AWS_21` | 1 | skip table | logs \\| expire |\n",
    ]);
  });
});
