import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { parse } from "@cdktf/hcl2json";
import { checkovSkipsFor } from "../tools/checkov-skips";
import { ADDRESS_TABLE } from "../tools/terraform-module/address-table";
import { writeModule } from "../tools/terraform-module/build";
import { EXAMPLES, PREVENT_DESTROY, exampleBlocks, teardownExample } from "../tools/terraform-module/examples";
import { renderFile } from "../tools/terraform-module/hcl-block";
import { buildModel, buildModuleFiles } from "../tools/terraform-module/module-files";
import { MODULE_OUTPUTS } from "../tools/terraform-module/module-outputs";
import { BUCKET_NAME_RULES, KMS_KEY_ARN_PATTERN, PRINCIPAL_ARN_PATTERN, S3_PREFIX_PATTERN } from "../modules/validation";

type Block = Record<string, unknown>;
type Parsed = Record<string, unknown>;

const VARIABLES = [
  "service_profile",
  "region",
  "account_id",
  "key",
  "key_user_arns",
  "console_bucket",
  "output_buckets",
  "bucket_settings",
  "access_logs",
  "user_policy",
  "tags",
];
const OUTPUTS = [
  "key_arn",
  "key_id",
  "key_alias",
  "key_policy_statements_for_key_owner",
  "console_bucket_name",
  "console_bucket_arn",
  "output_bucket_names",
  "output_bucket_arns",
  "output_configs",
  "access_log_bucket_name",
  "user_policy_arn",
];
const EXAMPLE_NAMES = ["complete", "bring-your-own-key", "multi-region-replica", "rekognition-custom-labels"];
const TEST_FILES = ["tests/validation.tftest.hcl", "tests/region.tftest.hcl", "tests/resources.tftest.hcl"];

const model = buildModel();
const files = buildModuleFiles(model);
const hclFiles = Object.keys(files).filter((f) => f.endsWith(".tf") || f.endsWith(".tftest.hcl"));
const moduleFiles = ["versions.tf", "variables.tf", "main.tf", "outputs.tf"];
let parsed: Record<string, Parsed>;

beforeAll(async () => {
  parsed = Object.fromEntries(await Promise.all(hclFiles.map(async (f) => [f, (await parse(f, files[f])) as Parsed])));
});

/** Block names in file order (hcl2json sorts them). */
const declared = (file: string, kind: string) => [...files[file].matchAll(new RegExp(`^${kind} "([\\w-]+)"`, "gm"))].map((m) => m[1]);
const variables = () => parsed["variables.tf"].variable as Record<string, Block[]>;
const resources = () => parsed["main.tf"].resource as Record<string, Record<string, Block[]>>;
const resourcesOf = (type: string) => Object.values(resources()[type] ?? {}).map((r) => r[0]);
// By path: the cdktn suite maps the module name @cdktf/provider-aws to cdktn's bindings, and the
// module's floor is cdktf's (the lower of the two).
const bucketProviderVersion = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "node_modules", "@cdktf", "provider-aws", "package.json"), "utf8")) as {
    cdktf: { provider: { version: string } };
  }
).cdktf.provider.version;

/** A fresh scope for the TypeScript checks. */
const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "tfm-checks-")), skipValidation: true });
let scopes = 0;
const scratch = () => new TerraformStack(app, `check-${++scopes}`);

/** The message of the error a check throws; a check that accepts its input fails the test. */
function errorOf(check: () => void): string {
  try {
    check();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the TypeScript check accepted the input it should refuse");
}
afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

describe("terraform module files", () => {
  it("are the registry layout: module files at the root, examples/, tests/, README", () => {
    expect(EXAMPLES.map((e) => e.name)).toEqual(EXAMPLE_NAMES);
    expect(Object.keys(files).sort()).toEqual(
      [
        ...moduleFiles,
        "README.md",
        ...EXAMPLE_NAMES.flatMap((e) => [`examples/${e}/main.tf`, `examples/${e}/README.md`]),
        "tests/region.tftest.hcl",
        "tests/resources.tftest.hcl",
        "tests/validation.tftest.hcl",
      ].sort(),
    );
  });

  it("parse as HCL, every .tf and .tftest.hcl file", () => {
    for (const f of hclFiles) expect({ f, blocks: Object.keys(parsed[f]).length > 0 }).toEqual({ f, blocks: true });
  });

  it("hold no provider configuration, backend or cloud block inside the module", () => {
    for (const f of moduleFiles) {
      expect(parsed[f].provider).toBeUndefined();
      for (const block of (parsed[f].terraform ?? []) as Block[]) {
        expect(block.backend).toBeUndefined();
        expect(block.cloud).toBeUndefined();
      }
    }
  });

  it("hold no absolute path, machine-specific text or unresolved token", () => {
    const local = [process.cwd(), os.homedir(), os.tmpdir(), os.hostname()];
    for (const [name, text] of Object.entries(files)) {
      for (const marker of local) expect({ name, found: text.includes(marker) }).toEqual({ name, found: false });
      expect({ name, absolute: /(^|["'\s=(])\/(home|root|tmp|work|Users|var|usr|opt)\//m.test(text) }).toEqual({ name, absolute: false });
      expect(text).not.toMatch(/TfToken|undefined|\[object Object\]/);
    }
  });

  it("pin Terraform, and the AWS provider from the version the bindings were generated from to the next major", () => {
    const terraform = (parsed["versions.tf"].terraform as Block[])[0];
    expect(terraform.required_version).toBe(">= 1.3.0");
    const major = Number(bucketProviderVersion.split(".")[0]);
    expect((terraform.required_providers as Block[])[0].aws).toEqual({
      source: "hashicorp/aws",
      version: `>= ${bucketProviderVersion}, < ${major + 1}.0.0`,
    });
  });
});

describe("terraform module variables", () => {
  it("are the documented inputs in order, each typed and described", () => {
    expect(declared("variables.tf", "variable")).toEqual(VARIABLES);
    for (const [name, [v]] of Object.entries(variables())) {
      expect({ name, type: typeof v.type, description: String(v.description).length > 20 }).toEqual({ name, type: "string", description: true });
    }
  });

  it("have defaults, except key_user_arns (required unless the user policy is off), and objects never null", () => {
    const required = Object.entries(variables())
      .filter(([, [v]]) => !("default" in v))
      .map(([name]) => name);
    expect(required).toEqual(["key_user_arns"]);
    for (const [name, [v]] of Object.entries(variables())) {
      if (String(v.type).startsWith("${object(") || String(v.type).startsWith("${map("))
        expect({ name, nullable: v.nullable }).toEqual({ name, nullable: false });
    }
    expect(variables().key[0].type).toMatch(/rotation_period_in_days +?= optional\(number, 365\)/);
    expect(variables().key[0].type).toMatch(/deletion_window_in_days +?= optional\(number, 30\)/);
  });

  /** Regex literals of `can(regex("...", ...))` in a condition, unescaped (HCL escapes here are JSON's). */
  const regexesIn = (condition: string) => [...condition.matchAll(/regex\(("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string);
  const conditionsOf = (name: string) => ((variables()[name][0].validation ?? []) as Block[]).map((v) => String(v.condition));

  it.each([
    ["key", [KMS_KEY_ARN_PATTERN, PRINCIPAL_ARN_PATTERN]],
    ["key_user_arns", [PRINCIPAL_ARN_PATTERN]],
    ["output_buckets", [S3_PREFIX_PATTERN, ...BUCKET_NAME_RULES.map((r) => r.pattern)]],
  ])("%s: validations use the TypeScript patterns", (name, patterns) => {
    const used = conditionsOf(name).flatMap(regexesIn);
    for (const p of patterns) expect(used).toContain(p.source);
  });

  it("refuse what the TypeScript checks refuse, in the same words: each rule's message reads its check's", () => {
    const rules = [...model.variables.flatMap((v) => v.rules), ...model.resourceRules.map((r) => r.rule)];
    const checked = rules.filter((r) => r.typescript);
    expect(checked.length).toBeGreaterThan(25);
    for (const rule of checked) {
      // The words the check prints, where they name its props: the module's words with the variables' names.
      const words = rule.typescriptWords ?? rule.words;
      expect({
        id: rule.id,
        module: rule.expectedMessage.includes(` must be ${rule.words}, got `),
        typescript: errorOf(() => rule.typescript!(scratch())).includes(` must be ${words}, got `),
      }).toEqual({
        id: rule.id,
        module: true,
        typescript: true,
      });
    }
  });

  it("word every message `<variable path> must be <allowed>, got <value>.`", () => {
    for (const [name, [v]] of Object.entries(variables())) {
      for (const check of (v.validation ?? []) as Block[]) {
        expect(String(check.error_message)).toMatch(new RegExp(`(^|")${name}(\\W.*)? must be .+, got \\$\\{jsonencode\\(.+\\)\\}\\.`));
      }
    }
  });
});

describe("terraform module resources", () => {
  it("sit at the address table's names, never at a cdktf logical ID", () => {
    const names = new Set(ADDRESS_TABLE.map((r) => r.name));
    for (const [type, byName] of Object.entries(resources()))
      for (const name of Object.keys(byName)) expect({ type, name, known: names.has(name) }).toEqual({ type, name, known: true });
    for (const text of Object.values(files)) expect(text).not.toMatch(/[A-Za-z]_[0-9A-F]{8}\b/);
    expect(Object.keys(parsed["main.tf"].data as object).sort()).toEqual(["aws_caller_identity", "aws_partition", "aws_region"]);
    for (const byName of Object.values(parsed["main.tf"].data as Record<string, Record<string, unknown>>))
      expect(Object.keys(byName)).toEqual(["current"]);
  });

  it("are the constructs' resource types, each part of each bucket once", () => {
    expect(Object.keys(resources()).sort()).toEqual([
      "aws_iam_policy",
      "aws_iam_role_policy_attachment",
      "aws_kms_alias",
      "aws_kms_key",
      "aws_kms_replica_key",
      "aws_s3_bucket",
      "aws_s3_bucket_lifecycle_configuration",
      "aws_s3_bucket_logging",
      "aws_s3_bucket_ownership_controls",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
    ]);
    expect(Object.keys(resources().aws_s3_bucket).sort()).toEqual(["access_logs", "console", "output"]);
    expect(Object.keys(resources().aws_s3_bucket_versioning).sort()).toEqual(["console", "output"]);
  });

  it("keep prevent_destroy on the keys and every bucket, with force_destroy from bucket_settings", () => {
    for (const r of [...resourcesOf("aws_kms_key"), ...resourcesOf("aws_kms_replica_key"), ...resourcesOf("aws_s3_bucket")]) {
      expect((r.lifecycle as Block[])[0].prevent_destroy).toBe(true);
    }
    for (const b of resourcesOf("aws_s3_bucket")) expect(b.force_destroy).toBe("${var.bucket_settings.force_destroy}");
  });

  it("make every data bucket depend on the keys the module makes, so destroy deletes a key only after the buckets", () => {
    const dependsOn = (name: string) => resources().aws_s3_bucket[name][0].depends_on;
    expect({ console: dependsOn("console"), output: dependsOn("output"), access_logs: dependsOn("access_logs") }).toEqual({
      console: ["${aws_kms_key.this}", "${aws_kms_replica_key.this}"],
      output: ["${aws_kms_key.this}", "${aws_kms_replica_key.this}"],
      access_logs: undefined,
    });
  });

  it("encrypt every data bucket with the module's key, and the log bucket with SSE-S3", () => {
    const algorithm = (name: string) => {
      const rule = (resources().aws_s3_bucket_server_side_encryption_configuration[name][0].rule as Block[])[0];
      return (rule.apply_server_side_encryption_by_default as Block[])[0];
    };
    expect(algorithm("console")).toEqual({ kms_master_key_id: "${local.key_arn}", sse_algorithm: "aws:kms" });
    expect(algorithm("output")).toEqual({ kms_master_key_id: "${local.key_arn}", sse_algorithm: "aws:kms" });
    expect(algorithm("access_logs")).toEqual({ sse_algorithm: "AES256" });
  });

  it("write each policy as a multi-line jsonencode, one statement a block", () => {
    const main = files["main.tf"];
    expect(main).not.toMatch(/policy\s*=\s*"\{/);
    expect(main.match(/^ {2}(key_policy|key_owner_policy|policy) += jsonencode\(\{$/gm)?.length).toBe(6);
    expect(main.match(/^ +Sid += "/gm)?.length).toBeGreaterThanOrEqual(5 + 3 + 5 + 5 + 3 + 6);
  });

  it("has exactly the documented outputs, each described", () => {
    expect(declared("outputs.tf", "output")).toEqual(OUTPUTS);
    expect(MODULE_OUTPUTS.map((o) => o.name)).toEqual(OUTPUTS);
    for (const [, [o]] of Object.entries(parsed["outputs.tf"].output as Record<string, Block[]>)) expect(String(o.description)).toMatch(/\.$/);
  });
});

describe("terraform module README (terraform-docs layout)", () => {
  const readme = files["README.md"];
  /** First-column names of the markdown table under a heading. */
  const tableNames = (heading: string) => {
    const section = readme.split(`## ${heading}\n`)[1].split("\n## ")[0];
    return [...section.matchAll(/^\| <a name="\w+"><\/a> \[([\w\\]+)\]/gm)].map((m) => m[1].replace(/\\_/g, "_"));
  };

  it("has the terraform-docs sections between its markers", () => {
    const docs = readme.split("<!-- BEGIN_TF_DOCS -->\n")[1].split("<!-- END_TF_DOCS -->")[0];
    expect([...docs.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(["Requirements", "Providers", "Modules", "Resources", "Inputs", "Outputs"]);
    expect(readme.indexOf("## Usage")).toBeLessThan(readme.indexOf("<!-- BEGIN_TF_DOCS -->"));
  });

  it("lists exactly the variables, outputs and resources of the .tf files (a drift fails here)", () => {
    expect(tableNames("Inputs")).toEqual(declared("variables.tf", "variable"));
    expect(tableNames("Outputs")).toEqual(declared("outputs.tf", "output"));
    const listed = [
      ...readme.matchAll(
        /^\| \[(\w+)\.(\w+)\]\(https:\/\/registry\.terraform\.io\/providers\/hashicorp\/aws\/latest\/docs\/(resources|data-sources)\/\w+\) \| (resource|data source) \|$/gm,
      ),
    ].map((m) => `${m[4] === "data source" ? "data." : ""}${m[1]}.${m[2]}`);
    const inFiles = [
      ...Object.entries(resources()).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)),
      ...Object.keys(parsed["main.tf"].data as object).map((type) => `data.${type}.current`),
    ];
    expect(listed.sort()).toEqual(inFiles.sort());
  });

  it("shows each variable's default as the file declares it, and key_user_arns as required", () => {
    const row = (name: string) => readme.split("\n").find((l) => l.startsWith(`| <a name="input_${name}">`))!;
    expect(row("key_user_arns")).toMatch(/\| n\/a \| yes \|$/);
    expect(row("service_profile")).toMatch(/\| `"lookout-vision"` \| no \|$/);
    expect(row("key")).toContain("<pre>object({<br/>");
  });

  it("uses the complete example's call, and counts the test runs the test files hold", () => {
    expect(readme).toContain('module "lookout_vision_encryption" {');
    const runs = TEST_FILES.reduce((n, f) => n + files[f].match(/^run "/gm)!.length, 0);
    expect(readme).toContain(`runs ${runs} plans`);
  });
});

describe("terraform module examples", () => {
  it.each(EXAMPLE_NAMES)("%s calls the module by relative path with known variables, the required one set", (name) => {
    const example = parsed[`examples/${name}/main.tf`];
    expect(example.provider).toBeDefined();
    for (const [, [call]] of Object.entries(example.module as Record<string, Block[]>)) {
      expect(call.source).toBe("../../");
      const args = Object.keys(call).filter((k) => !["source", "providers"].includes(k));
      expect(VARIABLES).toEqual(expect.arrayContaining(args));
      expect(args).toContain("key_user_arns");
    }
  });

  it("multi-region-replica configures two regions and replicates the primary's key", () => {
    const example = parsed["examples/multi-region-replica/main.tf"];
    expect((example.provider as Record<string, Block[]>).aws.map((p) => p.region)).toEqual(["us-east-1", "eu-west-1"]);
    const replica = (example.module as Record<string, Block[]>).replica[0];
    expect(replica.providers).toEqual({ aws: "${aws.replica}" });
    expect(replica.key).toEqual({ replica_of: { primary_key_arn: "${module.primary.key_arn}" } });
  });

  it.each(EXAMPLE_NAMES)(
    "%s's README tears it down as the deploy check does: force_destroy added to every call, every prevent_destroy of the module turned off",
    async (name) => {
      const readme = files[`examples/${name}/README.md`];
      expect(readme).toContain("Add `bucket_settings = { force_destroy = true }` to every module call, then `tofu apply`");
      expect(readme).toContain(`change every \`${PREVENT_DESTROY.on}\` to\n   \`${PREVENT_DESTROY.off}\``);
      const example = EXAMPLES.find((e) => e.name === name)!;
      const before = await parse("main.tf", files[`examples/${name}/main.tf`]);
      const after = await parse("main.tf", renderFile(exampleBlocks(teardownExample(example))));
      for (const [call, [args]] of Object.entries(after.module as Record<string, Block[]>)) {
        const { bucket_settings: settings, ...others } = args;
        expect({ call, settings, others }).toEqual({
          call,
          settings: { force_destroy: true },
          others: (before.module as Record<string, Block[]>)[call][0],
        });
      }
      const protectedBlocks = resourcesOf("aws_kms_key").length + resourcesOf("aws_kms_replica_key").length + resourcesOf("aws_s3_bucket").length;
      expect(files["main.tf"].split(PREVENT_DESTROY.on).length - 1).toBe(protectedBlocks);
      expect(files["main.tf"].match(/prevent_destroy/g)).toHaveLength(protectedBlocks);
    },
  );
});

describe("terraform module tests (tofu test files)", () => {
  const runs = (file: string) => (parsed[file].run as Record<string, Block[]>) ?? {};

  it("mock the AWS provider and override the caller identity, region and partition (the region where no run sets it), every run a plan", () => {
    for (const file of TEST_FILES) {
      expect(Object.keys(parsed[file].mock_provider as object)).toEqual(["aws"]);
      // OpenTofu refuses to override a value the configuration sets: region.tftest.hcl's runs set var.region.
      const regionGiven = file === "tests/region.tftest.hcl";
      if (regionGiven) for (const [, [run]] of Object.entries(runs(file))) expect((run.variables as Block[])[0].region).toBeDefined();
      expect((parsed[file].override_data as Block[]).map((o) => o.target).sort()).toEqual([
        "${data.aws_caller_identity.current}",
        "${data.aws_partition.current}",
        ...(regionGiven ? [] : ["${data.aws_region.current}"]),
      ]);
      for (const [, [run]] of Object.entries(runs(file))) expect(run.command).toBe("${plan}");
    }
  });

  it("refuse the bad input of every rule, and accept a good value of every variable", () => {
    const validation = Object.assign({}, ...TEST_FILES.map(runs)) as Record<string, Block[]>;
    const ruleCount = model.variables.reduce((n, v) => n + v.rules.length, 0) + model.resourceRules.length;
    const refused = Object.entries(validation).filter(([name]) => name.endsWith("_refused"));
    expect(refused).toHaveLength(ruleCount);
    for (const [name, [run]] of refused) expect({ name, fails: (run.expect_failures as string[]).length }).toEqual({ name, fails: 1 });
    for (const v of VARIABLES) expect({ v, run: Boolean(validation[`${v}_accepted`]?.[0].assert) }).toEqual({ v, run: true });
  });

  it("cover every switch and every output", () => {
    const names = Object.keys(runs("tests/resources.tftest.hcl"));
    expect(names).toEqual(
      expect.arrayContaining([
        "new_key_by_default",
        "existing_key",
        "replica_key",
        "no_console_bucket",
        "access_logs",
        "no_user_policy",
        "every_output_set",
      ]),
    );
    const outputAsserts = (runs("tests/resources.tftest.hcl").every_output_set[0].assert as Block[]).map((a) => a.condition);
    for (const o of OUTPUTS.filter((name) => name !== "key_policy_statements_for_key_owner"))
      expect(outputAsserts).toContain(`\${output.${o} != null}`);
  });
});

describe("terraform module scanner skips", () => {
  /** The comment lines that open a resource block. */
  function openingComments(address: string): string[] {
    const [type, name] = address.split(".");
    const lines = files["main.tf"].split("\n");
    const at = lines.indexOf(`resource "${type}" "${name}" {`);
    expect(at).toBeGreaterThan(-1);
    const body = lines.slice(at + 1);
    return body.slice(
      0,
      body.findIndex((line) => !line.startsWith("  #")),
    );
  }

  it.each(["aws_s3_bucket.console", "aws_s3_bucket.output", "aws_s3_bucket.access_logs"])(
    "%s carries the skips of CHECKOV_SKIPS as checkov reads them, inside the block",
    (address) => {
      const expected = checkovSkipsFor({ resourceType: "aws_s3_bucket", receivesAccessLogs: address === "aws_s3_bucket.access_logs" });
      expect(expected.length).toBeGreaterThan(0);
      expect(openingComments(address)).toEqual(expected.map((s) => `  # checkov:skip=${s.check}:${s.reason}`));
    },
  );

  it("writes no skip where the table has none", () => {
    expect(openingComments("aws_kms_key.this")).toEqual([]);
    expect(files["main.tf"].match(/checkov:skip=/g)).toHaveLength(2 + 2 + 4);
  });
});

describe("terraform module build", () => {
  it("writes the same bytes twice, and only into its directory", () => {
    const [a, b] = [fs.mkdtempSync(path.join(os.tmpdir(), "tfm-a-")), fs.mkdtempSync(path.join(os.tmpdir(), "tfm-b-"))];
    try {
      const stale = path.join(a, "out", "stale.tf");
      fs.mkdirSync(path.dirname(stale), { recursive: true });
      fs.writeFileSync(stale, "left over");
      const written = writeModule(path.join(a, "out"));
      writeModule(path.join(b, "out"));
      expect(fs.existsSync(stale)).toBe(false);
      expect(fs.readdirSync(a)).toEqual(["out"]);
      for (const f of written) expect(fs.readFileSync(path.join(a, "out", f))).toEqual(fs.readFileSync(path.join(b, "out", f)));
      expect(written.map((f) => fs.readFileSync(path.join(a, "out", f), "utf8"))).toEqual(written.map((f) => files[f]));
    } finally {
      for (const dir of [a, b]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves nothing behind in the working folder or the temporary folder", () => {
    // A temporary folder of its own (os.tmpdir() reads TMPDIR): other test files build in parallel.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tfm-tmp-"));
    const saved = process.env.TMPDIR;
    const cwd = fs.readdirSync(process.cwd()).sort();
    try {
      process.env.TMPDIR = tmp;
      buildModuleFiles();
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    expect(fs.readdirSync(process.cwd()).sort()).toEqual(cwd);
  });
});
