import { Fn, Token } from "cdktf";
import { SID_PATTERN } from "../validation";

/**
 * IAM policy document shapes: plain data, so tests can build and inspect them without synthesizing.
 * They keep AWS's own spelling (`Sid`, `Effect`), which jsii cannot carry as members, so they are
 * TypeScript-only; other languages read and add policies as JSON text (the `...Json` members).
 */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

/**
 * Who a resource policy statement applies to, besides everyone ("*").
 * @jsii ignore
 */
export interface PolicyPrincipal {
  readonly AWS?: string[];
  readonly Service?: string[];
}

/** @jsii ignore */
export interface PolicyStatement {
  /** Stable, alphanumeric (IAM identity policies allow nothing else): tests and reviewers key on it. */
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | PolicyPrincipal;
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: ConditionBlock;
}

/** @jsii ignore */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  const seen = new Set<string>();
  for (const { Sid } of statements) {
    if (!SID_PATTERN.test(Sid)) throw new Error(`policy statement Sid must be alphanumeric, got ${JSON.stringify(Sid)}`);
    if (seen.has(Sid)) throw new Error(`policy statement Sid must be unique within a policy, got ${JSON.stringify(Sid)} twice`);
    seen.add(Sid);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Unique values in first-seen order: deterministic output without reordering what the user wrote. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** True when a list anywhere in the value is a Terraform list token (`["#{TfToken[...]}"]`). */
function containsListToken(value: unknown): boolean {
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some(containsListToken);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsListToken);
  return false;
}

/**
 * The policy as JSON text. A list token (a Terraform list variable, say) cannot be written into
 * a JSON string, so such a document becomes a Terraform `jsonencode(...)` expression instead.
 */
export function policyJson(doc: PolicyDocument): string {
  return containsListToken(doc) ? Fn.jsonencode(doc) : JSON.stringify(doc);
}
