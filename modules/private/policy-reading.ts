import { mapInterpolations, parsePolicyTemplate } from "../policies/parse-policy";

/**
 * IAM policy statements as anyone may write them: single values or lists, Action or NotAction,
 * booleans as strings or not. Everything here reads that loose shape.
 */
export interface LooseStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A policy as read at synth: its statements, or why it cannot be read (then nothing in it can be checked). */
export type PolicyReading = { readonly statements: LooseStatement[] } | { readonly unreadable: string };

/** Reads a synthesized policy argument, which may hold Terraform interpolations or be one whole expression. */
export function readPolicy(value: unknown): PolicyReading {
  if (typeof value !== "string") return { unreadable: `policy is not a JSON string: ${JSON.stringify(value)}` };
  try {
    const doc = parsePolicyTemplate(value) as unknown as { Statement?: unknown };
    return { statements: listOf(doc.Statement) as LooseStatement[] };
  } catch {
    // `${data.aws_iam_policy_document.x.json}` or `${jsonencode(...)}`: only Terraform can evaluate it.
    return { unreadable: `policy is computed at plan time: ${value.length > 120 ? `${value.slice(0, 117)}...` : value}` };
  }
}

/** IAM's single value or list, as a list; nothing for unset. */
export function listOf<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM wildcards (`*`, `?`), case-insensitive like IAM action names. */
function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(value);
}

/**
 * Does the statement cover `action`? Pass a wildcard such as "kms:*" to ask whether it covers
 * every action of the service: only patterns at least that wide (`kms:*`, `*`) match it.
 */
export function coversAction(statement: LooseStatement, action: string): boolean {
  if (statement.Action !== undefined) return listOf(statement.Action).some((pattern) => globMatches(pattern, action));
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some((pattern) => globMatches(pattern, action));
  return false;
}

export function isAllow(statement: LooseStatement): boolean {
  return statement.Effect === "Allow";
}

/** Principals as written: "*" for everyone, else AWS ARNs/account IDs and service names. */
export function principalsOf(statement: LooseStatement): string[] {
  const principal = statement.Principal;
  if (principal === "*") return ["*"];
  if (typeof principal !== "object" || principal === null) return [];
  return Object.values(principal as Record<string, unknown>).flatMap((value) => listOf(value as string | string[]).map(String));
}

/** `arn:<partition>:iam::<account>:root` (any part may be an interpolation) or a bare 12-digit account ID. */
export function isAccountRoot(principal: string): boolean {
  const plain = mapInterpolations(principal, () => "X");
  return /^arn:[^:]+:iam::[^:]+:root$/.test(plain) || /^\d{12}$/.test(plain);
}

/** Values of a condition (operator and key compared case-insensitively, as IAM does), as strings. */
export function conditionValues(statement: LooseStatement, operator: string, key: string): string[] {
  const found: string[] = [];
  for (const [op, entries] of Object.entries(statement.Condition ?? {})) {
    if (op.toLowerCase() !== operator.toLowerCase()) continue;
    for (const [k, value] of Object.entries(entries ?? {})) {
      if (k.toLowerCase() === key.toLowerCase()) found.push(...listOf(value as unknown[]).map((v) => String(v).toLowerCase()));
    }
  }
  return found;
}

/** Conditions as one line each: `StringEquals kms:ViaService=a,b`. */
export function describeConditions(statement: LooseStatement): string[] {
  return Object.entries(statement.Condition ?? {}).flatMap(([op, entries]) =>
    Object.entries(entries ?? {}).map(
      ([key, value]) =>
        `${op} ${key}=${listOf(value as unknown[])
          .map(String)
          .join(",")}`,
    ),
  );
}

export function resourcesOfStatement(statement: LooseStatement): string[] {
  return listOf(statement.Resource);
}

/** Does one of the IAM `patterns` match `value`? */
export function anyPatternMatches(patterns: readonly string[], value: string): boolean {
  return patterns.some((pattern) => globMatches(pattern, value));
}
