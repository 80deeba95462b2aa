import { existsSync, readFileSync, readdirSync } from "fs";
import { join, relative } from "path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { analyzeStack } from "../modules/posture/analyze";
import { CheckovSkip, checkovSkipsFor } from "./checkov-skips";
import { CheckovResult, ScanTarget, SkippedResult, terraformFilesIn } from "../cli/posture-report/scan-results";
import { TerraformJson, address } from "../modules/private/terraform-json";

/** A directory checkov scans as a whole: one synthesized stack, or the Terraform module (not its examples, see runCheckov). */
export interface Target {
  /** "stack <name>" or "module". */
  readonly name: string;
  readonly path: string;
  readonly framework: "terraform_json" | "terraform";
}

/** Every `<cdktfOut>/stacks/<name>/cdk.tf.json`, then the module directory. */
export function findTargets(cdktfOut: string, moduleDir: string): Target[] {
  const stacksDir = join(cdktfOut, "stacks");
  const stacks = existsSync(stacksDir)
    ? readdirSync(stacksDir)
        .sort()
        .filter((name) => existsSync(join(stacksDir, name, "cdk.tf.json")))
        .map((name): Target => ({ name: `stack ${name}`, path: join(stacksDir, name), framework: "terraform_json" }))
    : [];
  return [...stacks, ...(existsSync(moduleDir) ? [{ name: "module", path: moduleDir, framework: "terraform" as const }] : [])];
}

/** `${aws_s3_bucket.logs[0].id}` as `${aws_s3_bucket.logs.id}`: the posture analyzer follows plain references. */
function withoutIndexes(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\[[^\]]*\](\.[a-z_]+)\}/g, "${$1$2}");
  if (Array.isArray(value)) return value.map(withoutIndexes);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutIndexes(v)]));
  return value;
}

/** The resources of HCL files in the shape of a synthesized stack (hcl2json gives each resource as a one-element list). */
async function hclAsTerraformJson(files: readonly string[]): Promise<TerraformJson> {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const file of files) {
    const parsed = (await parseHcl(file, readFileSync(file, "utf8"))) as { resource?: Record<string, Record<string, Record<string, unknown>[]>> };
    for (const [type, byName] of Object.entries(parsed.resource ?? {})) {
      for (const [name, [config]] of Object.entries(byName)) (resource[type] ??= {})[name] = withoutIndexes(config) as Record<string, unknown>;
    }
  }
  return { resource };
}

/** The target's resources as the posture check reads them. */
export async function targetJson(target: Target): Promise<TerraformJson> {
  if (target.framework === "terraform_json") return JSON.parse(readFileSync(join(target.path, "cdk.tf.json"), "utf8")) as TerraformJson;
  return hclAsTerraformJson(terraformFilesIn(target.path).filter((f) => f.endsWith(".tf")));
}

/** What the skip table needs to know about the target's resources. */
export interface TargetResources {
  /** Resource type by name, for names of one type: checkov names the results of its Python checks on Terraform JSON `resource.<name>`. */
  readonly typeOfName: ReadonlyMap<string, string>;
  /** `aws_s3_bucket.<name>` of every bucket that receives server access logs. */
  readonly accessLogBuckets: ReadonlySet<string>;
}

export function targetResources(json: TerraformJson): TargetResources {
  const types = new Map<string, string[]>();
  for (const [type, byName] of Object.entries(json.resource ?? {}))
    for (const name of Object.keys(byName)) types.set(name, [...(types.get(name) ?? []), type]);
  // A name two types share (common in HCL) names neither: such a result is never matched to a skip.
  const typeOfName = new Map([...types].filter(([, of]) => of.length === 1).map(([name, [type]]) => [name, type]));
  const accessLogBuckets = new Set(
    analyzeStack("scan", json)
      .buckets.filter((b) => b.isLogBucket)
      .map((b) => address(b.ref)),
  );
  return { typeOfName, accessLogBuckets };
}

/** `module.m.aws_s3_bucket.logs[0]` → aws_s3_bucket.logs; `resource.<name>` → `<type>.<name>`. */
export function resourceAddress(checkovResource: string, resources: TargetResources): { type: string; name: string } | undefined {
  const plain = checkovResource.replace(/^(module\.[^.]+(\[[^\]]*\])?\.)+/, "").replace(/\[[^\]]*\]$/, "");
  const dot = plain.indexOf(".");
  if (dot < 0) return undefined;
  const [type, name] = [plain.slice(0, dot), plain.slice(dot + 1)];
  if (type !== "resource") return { type, name };
  const found = resources.typeOfName.get(name);
  return found ? { type: found, name } : undefined;
}

/** The parts of checkov's JSON report the scan reads. */
interface CheckovRecord {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_path: string;
  readonly check_result?: { readonly suppress_comment?: string };
}

interface CheckovReport {
  readonly results: {
    readonly passed_checks?: CheckovRecord[];
    readonly failed_checks?: CheckovRecord[];
    readonly skipped_checks?: CheckovRecord[];
    readonly parsing_errors?: string[];
  };
}

/** checkov prints one report object per framework, a list when several ran, and a bare summary when no file matched. */
function reportsOf(output: unknown): CheckovReport[] {
  const list = Array.isArray(output) ? output : [output];
  return list.filter((r): r is CheckovReport => typeof r === "object" && r !== null && "results" in r);
}

function byCheckThenResource(a: CheckovResult, b: CheckovResult): number {
  return a.check < b.check ? -1 : a.check > b.check ? 1 : a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0;
}

/**
 * One target's results: failures that a CHECKOV_SKIPS entry covers become skipped with its
 * reason (checkov reads no skip in Terraform JSON, and the module's comments are not written
 * yet); checkov's own skips (`#checkov:skip` comments) stay skipped when the table holds the
 * same skip for that resource, and count as failures when it does not.
 */
export function classify(target: Target, output: unknown, resources: TargetResources, digest: string): ScanTarget {
  const reports = reportsOf(output);
  const all = reports.flatMap((r) => [...(r.results.passed_checks ?? []), ...(r.results.failed_checks ?? []), ...(r.results.skipped_checks ?? [])]);
  const result = (r: CheckovRecord): CheckovResult => {
    const found = resourceAddress(r.resource, resources);
    const resource = found && r.resource.startsWith("resource.") ? `${found.type}.${found.name}` : r.resource;
    return { check: r.check_id, title: r.check_name, resource, file: join(target.path, r.file_path.replace(/^\//, "")) };
  };
  const skipOf = (r: CheckovRecord): CheckovSkip | undefined => {
    const found = resourceAddress(r.resource, resources);
    if (!found) return undefined;
    const subject = { resourceType: found.type, receivesAccessLogs: resources.accessLogBuckets.has(`${found.type}.${found.name}`) };
    return checkovSkipsFor(subject).find((s) => s.check === r.check_id);
  };
  const failed: CheckovResult[] = [];
  const skipped: SkippedResult[] = [];
  for (const record of reports.flatMap((r) => r.results.failed_checks ?? [])) {
    const skip = skipOf(record);
    if (skip) skipped.push({ ...result(record), reason: skip.reason, by: "skip table" });
    else failed.push(result(record));
  }
  for (const record of reports.flatMap((r) => r.results.skipped_checks ?? [])) {
    const reason = (record.check_result?.suppress_comment ?? "").replace(/^:/, "").trim();
    // A comment is one more place a skip could be written: only the table's own skips count.
    if (skipOf(record)?.reason === reason) skipped.push({ ...result(record), reason, by: "comment" });
    else
      failed.push({
        ...result(record),
        title: `${record.check_name} (skipped by a #checkov:skip comment that CHECKOV_SKIPS does not hold: "${reason}")`,
      });
  }
  const parsingErrors = reports.flatMap((r) => r.results.parsing_errors ?? []);
  const error =
    parsingErrors.length > 0
      ? `checkov could not parse ${parsingErrors.map((p) => relative(process.cwd(), p)).join(", ")}`
      : all.length === 0
        ? "checkov checked nothing"
        : undefined;
  return {
    name: target.name,
    path: target.path,
    digest,
    checks: [...new Set(all.map((r) => r.check_id))].sort(),
    passed: reports.reduce((n, r) => n + (r.results.passed_checks ?? []).length, 0),
    failed: failed.sort(byCheckThenResource),
    skipped: skipped.sort(byCheckThenResource),
    ...(error ? { error } : {}),
  };
}
