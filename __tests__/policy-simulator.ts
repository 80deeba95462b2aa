import { createHash } from "crypto";
// AGPL-3.0: a devDependency used by tests only; dev-only-evaluator.test.ts keeps it out of modules/ and main.ts.
import { anonymousPrincipal, getDenialReasons, RequestAnalysis, runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { parsePolicyTemplate } from "../modules/policies/parse-policy";
import { PolicyDocument } from "../modules/policies/policy-document";
import { resourcesOf, SynthJson } from "./helpers";

/** Where a stack's resources live: resources carry their region, not their account or partition. */
export interface StackLocation {
  readonly partition: string;
  readonly accountId: string;
}

/**
 * A stand-in key ID, stable per logical name: AWS assigns the real one at apply time.
 * Multi-region keys get the `mrk-` form.
 */
export function standInKeyId(logicalName: string, multiRegion: boolean): string {
  const hex = createHash("sha256").update(logicalName).digest("hex");
  return multiRegion
    ? `mrk-${hex.slice(0, 32)}`
    : `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function literal(value: unknown, what: string): string {
  if (typeof value !== "string" || value.includes("${")) throw new Error(`${what} is not a literal: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Concrete values for the `${<type>.<name>.<attribute>}` references of buckets and keys, built
 * from their literal attributes: bucket name, key region, and the stack's account and partition.
 * A replica key shares its primary's key ID, as multi-region keys do.
 */
export function referenceValues(json: SynthJson, where: StackLocation): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, bucket] of Object.entries(resourcesOf(json, "aws_s3_bucket"))) {
    // A `bucket_prefix` bucket gets a name Terraform generates at apply: stand in a fixed suffix.
    const bucketName =
      bucket.bucket === undefined && typeof bucket.bucket_prefix === "string"
        ? `${bucket.bucket_prefix}0000`
        : literal(bucket.bucket, `aws_s3_bucket.${name}.bucket`);
    values.set(`aws_s3_bucket.${name}.arn`, `arn:${where.partition}:s3:::${bucketName}`);
    values.set(`aws_s3_bucket.${name}.id`, bucketName);
    values.set(`aws_s3_bucket.${name}.bucket`, bucketName);
  }
  const setKey = (type: string, name: string, region: unknown, keyId: string) => {
    values.set(`${type}.${name}.key_id`, keyId);
    values.set(`${type}.${name}.arn`, `arn:${where.partition}:kms:${literal(region, `${type}.${name}.region`)}:${where.accountId}:key/${keyId}`);
  };
  for (const [name, key] of Object.entries(resourcesOf(json, "aws_kms_key"))) {
    setKey("aws_kms_key", name, key.region, standInKeyId(name, key.multi_region === true));
  }
  for (const [name, replica] of Object.entries(resourcesOf(json, "aws_kms_replica_key"))) {
    const primaryArn = substituteReferences(String(replica.primary_key_arn), values);
    setKey("aws_kms_replica_key", name, replica.region, primaryArn.split("/")[1]);
  }
  return values;
}

/** Replaces every `${...}` in `text` with its value; an unknown reference is an error, never left in. */
export function substituteReferences(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, reference: string) => {
    const value = values.get(reference);
    if (value === undefined) throw new Error(`no concrete value for \${${reference}}`);
    return value;
  });
}

/** A synthesized policy (JSON text with `${...}` references) as a concrete policy document. */
export function concretePolicy(policyText: unknown, values: ReadonlyMap<string, string>): PolicyDocument {
  if (typeof policyText !== "string") throw new Error(`policy is not a string: ${JSON.stringify(policyText)}`);
  const withReferences = parsePolicyTemplate(policyText);
  return JSON.parse(substituteReferences(JSON.stringify(withReferences), values)) as PolicyDocument;
}

export const ANONYMOUS = "anonymous";

export interface PolicyRequest {
  /** A principal ARN, a service principal, or ANONYMOUS for an unsigned request. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount: string;
  /** Request context keys beyond those AWS derives from the signer (added by `evaluate`). */
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** A named policy: the name shows in `Decision.allowedBy`/`deniedBy`. */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface PolicySet {
  /** The bucket policy or key policy. */
  readonly resource?: NamedPolicy;
  /** Policies attached to the principal. */
  readonly identity: readonly NamedPolicy[];
}

export interface Decision {
  readonly result: "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";
  /** `<policy name>/<Sid>` of each statement that allowed the request, sorted. */
  readonly allowedBy: string[];
  /** `<policy name>/<Sid>` of each Deny statement that matched, sorted. */
  readonly deniedBy: string[];
}

/**
 * Context keys AWS sets from the signature itself, so cases only state what the caller chooses.
 * Anonymous callers and service principals (`logging.s3.amazonaws.com`) have no IAM identity.
 */
function signerContext(request: PolicyRequest): Record<string, string> {
  if (!request.principal.startsWith("arn:")) return {};
  const account = request.principal.split(":")[4];
  return {
    "aws:PrincipalArn": request.principal,
    "aws:PrincipalAccount": account,
    ...(request.action.startsWith("kms:") ? { "kms:CallerAccount": account } : {}),
  };
}

/**
 * `<policy name>/<Sid>` of the statements that grant an allowed request. A resource-policy
 * statement that names only the caller's account (the key policy's root statement) grants
 * nothing by itself: it delegates to the identity policies, so it counts only when they allow.
 */
function grants(analysis: RequestAnalysis, resourcePolicyName: string): string[] {
  if (analysis.result !== "Allowed") return [];
  const identityAllows = analysis.identityAnalysis?.result === "Allowed";
  const identity = identityAllows ? (analysis.identityAnalysis?.allowStatements ?? []).map((s) => `${s.policyId}/${s.statement.sid()}`) : [];
  const resource = (analysis.resourceAnalysis?.allowStatements ?? [])
    .filter((s) => s.principalMatch !== "AccountLevelMatch" || identityAllows)
    .map((s) => `${resourcePolicyName}/${s.statement.sid()}`);
  return [...identity, ...resource].sort();
}

/**
 * Evaluates one request with @cloud-copilot/iam-simulate. Fails on any input the evaluator
 * rejects or context key it ignores: an ignored key would make a case test nothing.
 */
export async function evaluate(request: PolicyRequest, policies: PolicySet): Promise<Decision> {
  const simulation: Simulation = {
    request: {
      principal: request.principal === ANONYMOUS ? anonymousPrincipal : request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...signerContext(request), ...request.context },
    },
    identityPolicies: policies.identity.map((p) => ({ name: p.name, policy: p.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policies.resource?.document,
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType !== "single") throw new Error(`simulation did not run as a single request: ${JSON.stringify(response)}`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`context keys not applicable to ${request.action}: ${ignored.join(", ")}`);
  const resourcePolicyName = policies.resource?.name ?? "resource policy";
  const analysis = response.result.analysis;
  return {
    result: response.overallResult,
    allowedBy: grants(analysis, resourcePolicyName),
    deniedBy: getDenialReasons(analysis)
      .flatMap((d) =>
        d.denialType === "Explicit" ? [`${d.policyType === "resource" ? resourcePolicyName : d.policyIdentifier}/${d.statementId}`] : [],
      )
      .sort(),
  };
}

/** The policy without the statements whose Sids are given: to prove those statements decide. */
export function withoutStatements(document: PolicyDocument, sids: readonly string[]): PolicyDocument {
  return { ...document, Statement: document.Statement.filter((s) => !sids.includes(s.Sid)) };
}
