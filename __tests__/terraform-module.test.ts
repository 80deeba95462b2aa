import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "@cdktf/hcl2json";
import { writeModule } from "../modules/terraform-module/build";
import { EXAMPLE_ARGUMENTS } from "../modules/terraform-module/example";
import { buildModuleFiles } from "../modules/terraform-module/module-files";
import { parsePolicy } from "./helpers";
import { ALIAS_PATTERN, BUCKET_NAME_PART_PATTERN, BUCKET_NAME_RULES, KMS_KEY_ARN_PATTERN, PRINCIPAL_ARN_PATTERN, S3_PREFIX_PATTERN } from "../modules/validation";

type Block = Record<string, unknown>;
type Parsed = Record<string, unknown>;

const VARIABLES = [
  "existing_key_arn", "key_alias", "rotation_period_in_days", "deletion_window_in_days", "multi_region", "administrator_arns", "key_user_arns",
  "create_console_bucket", "console_bucket_suffix", "output_bucket_name", "output_prefix", "versioning", "access_logs", "force_destroy", "tags",
];
const OUTPUTS = [
  "key_arn", "key_id", "key_alias", "key_policy_statements_for_key_owner", "console_bucket_name", "console_bucket_arn",
  "output_bucket_name", "output_bucket_arn", "output_config", "user_policy_arn",
];

const files = buildModuleFiles();
/** Block names in file order (hcl2json sorts them). */
const declared = (file: string, kind: string) => [...files[file].matchAll(new RegExp(`^${kind} "(\\w+)"`, "gm"))].map((m) => m[1]);
const tfFiles = Object.keys(files).filter((f) => f.endsWith(".tf"));
let parsed: Record<string, Parsed>;

beforeAll(async () => {
  parsed = Object.fromEntries(await Promise.all(tfFiles.map(async (f) => [f, (await parse(f, files[f])) as Parsed])));
});

const variables = () => parsed["variables.tf"].variable as Record<string, Block[]>;
const outputs = () => parsed["outputs.tf"].output as Record<string, Block[]>;
const resources = () => parsed["main.tf"].resource as unknown as Record<string, Record<string, Block[]>>;
const resourcesOf = (type: string) => Object.values(resources()[type] ?? {}).map((r) => r[0]);

/** Regex literals of `can(regex("...", ...))` in a condition, unescaped (HCL escapes here are JSON's). */
function regexesIn(condition: string): string[] {
  return [...condition.matchAll(/regex\(("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string);
}

describe("terraform module files", () => {
  it("are the documented set", () => {
    expect(Object.keys(files).sort()).toEqual(["README.md", "examples/complete/main.tf", "main.tf", "outputs.tf", "variables.tf", "versions.tf"]);
  });

  it("parse as HCL, every .tf file", () => {
    for (const f of tfFiles) expect(Object.keys(parsed[f]).length).toBeGreaterThan(0);
  });

  it("hold no provider configuration, backend or cloud block inside the module", () => {
    for (const f of tfFiles.filter((name) => !name.startsWith("examples/"))) {
      expect(parsed[f].provider).toBeUndefined();
      const terraform = (parsed[f].terraform ?? []) as Block[];
      for (const block of terraform) {
        expect(block.backend).toBeUndefined();
        expect(block.cloud).toBeUndefined();
      }
    }
  });

  it("hold no absolute path or machine-specific text", () => {
    const local = [process.cwd(), os.homedir(), os.tmpdir(), os.hostname()];
    for (const [name, text] of Object.entries(files)) {
      for (const marker of local) expect({ name, found: text.includes(marker) }).toEqual({ name, found: false });
      expect({ name, absolute: /(^|["'\s=(])\/(home|root|tmp|work|Users|var|usr|opt)\//m.test(text) }).toEqual({ name, absolute: false });
      expect(text).not.toMatch(/TfToken|undefined|\[object Object\]/);
    }
  });

  it("pin Terraform and the AWS provider in versions.tf", () => {
    const terraform = (parsed["versions.tf"].terraform as Block[])[0];
    expect(terraform.required_version).toBe(">= 1.3.0");
    expect((terraform.required_providers as Block[])[0].aws).toEqual({ source: "hashicorp/aws", version: ">= 6.25.0, < 7.0.0" });
  });
});

describe("terraform module variables", () => {
  it("are exactly the documented inputs, each typed and described", () => {
    expect(declared("variables.tf", "variable")).toEqual(VARIABLES);
    expect(Object.keys(variables()).sort()).toEqual([...VARIABLES].sort());
    for (const [name, [v]] of Object.entries(variables())) {
      expect({ name, type: typeof v.type, description: typeof v.description }).toEqual({ name, type: "string", description: "string" });
    }
  });

  it("have defaults except the output bucket name", () => {
    const required = Object.entries(variables()).filter(([, [v]]) => !("default" in v)).map(([name]) => name);
    expect(required).toEqual(["output_bucket_name"]);
    expect(variables().rotation_period_in_days[0].default).toBe(365);
    expect(variables().deletion_window_in_days[0].default).toBe(30);
    expect(variables().force_destroy[0].default).toBe(false);
    expect(variables().existing_key_arn[0].default).toBeNull();
  });

  it.each([
    ["rotation_period_in_days", "var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560"],
    ["deletion_window_in_days", "var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30"],
  ])("%s: a whole number in the construct's range", (name, range) => {
    const condition = String((variables()[name][0].validation as Block[])[0].condition);
    expect(condition).toContain(`${name.replace(/^/, "var.")} == floor(var.${name})`);
    expect(condition).toContain(range);
  });

  it.each([
    ["key_alias", [ALIAS_PATTERN]],
    ["existing_key_arn", [KMS_KEY_ARN_PATTERN]],
    ["administrator_arns", [PRINCIPAL_ARN_PATTERN]],
    ["key_user_arns", [PRINCIPAL_ARN_PATTERN]],
    ["console_bucket_suffix", [BUCKET_NAME_PART_PATTERN]],
    ["output_prefix", [S3_PREFIX_PATTERN]],
    ["output_bucket_name", BUCKET_NAME_RULES.map((r) => r.pattern)],
  ])("%s: validation uses the TypeScript patterns", (name, patterns) => {
    const conditions = (variables()[name][0].validation as Block[]).map((v) => String(v.condition));
    expect(conditions.flatMap(regexesIn)).toEqual(patterns.map((p) => p.source));
  });

  it("validation messages are sentences naming the variable (Terraform requires the form)", () => {
    for (const [name, [v]] of Object.entries(variables())) {
      for (const check of (v.validation ?? []) as Block[]) expect(String(check.error_message)).toMatch(new RegExp(`^Invalid ${name}: must be .+\\.$`));
    }
  });
});

describe("terraform module resources and outputs", () => {
  it("are the constructs' resources", () => {
    expect(Object.keys(resources()).sort()).toEqual([
      "aws_iam_policy", "aws_kms_alias", "aws_kms_key", "aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging",
      "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
    ]);
    expect(Object.keys(parsed["main.tf"].data as object).sort()).toEqual(["aws_caller_identity", "aws_partition", "aws_region"]);
  });

  it("create the key only without existing_key_arn, and encrypt every data bucket with the key either way", () => {
    for (const key of [...resourcesOf("aws_kms_key"), ...resourcesOf("aws_kms_alias")]) expect(key.count).toBe("${var.existing_key_arn == null ? 1 : 0}");
    const kms = resourcesOf("aws_s3_bucket_server_side_encryption_configuration")
      .map((r) => ((r.rule as Block[])[0].apply_server_side_encryption_by_default as Block[])[0])
      .filter((d) => d.sse_algorithm === "aws:kms");
    expect(kms.map((d) => d.kms_master_key_id)).toEqual(["${local.key_arn}", "${local.key_arn}"]);
    expect((parsed["main.tf"].locals as Block[])[0].key_arn).toMatch(/^\$\{var\.existing_key_arn != null \? var\.existing_key_arn : one\(aws_kms_key\.\w+\[\*\]\.arn\)\}$/);
  });

  it("keep prevent_destroy on the key and every bucket, with force_destroy from the variable", () => {
    for (const r of [...resourcesOf("aws_kms_key"), ...resourcesOf("aws_s3_bucket")]) expect(r.lifecycle).toEqual([{ prevent_destroy: true }]);
    for (const b of resourcesOf("aws_s3_bucket")) expect(b.force_destroy).toBe("${var.force_destroy}");
  });

  it("switch the console bucket and the access-log buckets with their variables", () => {
    const counts = resourcesOf("aws_s3_bucket").map((b) => b.count ?? "always");
    // The shared log bucket, the console bucket, the output bucket.
    expect(counts.sort()).toEqual(["${var.access_logs ? 1 : 0}", "${var.create_console_bucket ? 1 : 0}", "always"]);
    const loggingCounts = resourcesOf("aws_s3_bucket_logging").map((l) => l.count);
    expect(loggingCounts.sort()).toEqual(["${(var.create_console_bucket) && (var.access_logs) ? 1 : 0}", "${var.access_logs ? 1 : 0}"]);
  });

  it("render bucket policies that parse back to the constructs' statements", () => {
    const sids = resourcesOf("aws_s3_bucket_policy").map((p) => parsePolicy(p.policy).Statement.map((s) => s.Sid));
    expect(sids.filter((s) => s.includes("DenyOtherKmsKey"))).toHaveLength(2);
    for (const s of sids) expect(s.slice(0, 2)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
  });

  it("grant key use in the key policy to the key users variable, or the account root when it is empty", () => {
    const policy = String(resourcesOf("aws_kms_key")[0].policy);
    expect(policy).toMatch(/^\$\{jsonencode\(/);
    expect(policy).toContain('"AWS" = local.key_user_arns');
    expect(policy).toContain('"AWS" = local.administrator_arns');
    expect((parsed["main.tf"].locals as Block[])[0].key_user_arns).toBe("${length(var.key_user_arns) > 0 ? var.key_user_arns : [local.account_root_arn]}");
  });

  it("has exactly the documented outputs, each described", () => {
    expect(declared("outputs.tf", "output")).toEqual(OUTPUTS);
    expect(Object.keys(outputs()).sort()).toEqual([...OUTPUTS].sort());
    for (const [, [o]] of Object.entries(outputs())) expect(String(o.description)).toMatch(/\.$/);
  });
});

describe("terraform module README and example", () => {
  /** First-column names of the markdown table under a heading. */
  function tableNames(heading: string): string[] {
    const section = files["README.md"].split(`## ${heading}\n`)[1].split("\n## ")[0];
    return [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
  }

  it("lists exactly the variables and outputs of the files", () => {
    expect(tableNames("Inputs")).toEqual(declared("variables.tf", "variable"));
    expect(tableNames("Outputs")).toEqual(declared("outputs.tf", "output"));
    expect(tableNames("Inputs").sort()).toEqual(Object.keys(variables()).sort());
  });

  it("complete example calls the module by relative path with known variables, every required one set, and configures the provider", () => {
    const example = parsed["examples/complete/main.tf"];
    expect(example.provider).toBeDefined();
    const call = (example.module as Record<string, Block[]>).lookout_vision_encryption[0];
    expect(call.source).toBe("../../");
    const args = Object.keys(call).filter((k) => k !== "source");
    expect(args.sort()).toEqual(Object.keys(EXAMPLE_ARGUMENTS).sort());
    expect(VARIABLES).toEqual(expect.arrayContaining(args));
    expect(args).toContain("output_bucket_name");
  });
});

describe("terraform module build", () => {
  it("writes the same bytes twice, and only into its directory", () => {
    const [a, b] = [fs.mkdtempSync(path.join(os.tmpdir(), "tfm-a-")), fs.mkdtempSync(path.join(os.tmpdir(), "tfm-b-"))];
    const stale = path.join(a, "out", "stale.tf");
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, "left over");
    const written = writeModule(path.join(a, "out"));
    writeModule(path.join(b, "out"));
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.readdirSync(a)).toEqual(["out"]);
    for (const f of written) expect(fs.readFileSync(path.join(a, "out", f))).toEqual(fs.readFileSync(path.join(b, "out", f)));
    expect(written.map((f) => fs.readFileSync(path.join(a, "out", f), "utf8"))).toEqual(written.map((f) => files[f]));
  });
});
