/** IAM policy document shapes: plain data, so tests can build and inspect them without synthesizing. */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  /** Stable, alphanumeric (IAM identity policies allow nothing else): tests and reviewers key on it. */
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly AWS?: string[]; readonly Service?: string[] };
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  const seen = new Set<string>();
  for (const { Sid } of statements) {
    if (!/^[A-Za-z0-9]+$/.test(Sid)) throw new Error(`policy statement Sid must be alphanumeric, got ${JSON.stringify(Sid)}`);
    if (seen.has(Sid)) throw new Error(`policy statement Sid must be unique within a policy, got ${JSON.stringify(Sid)} twice`);
    seen.add(Sid);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** Unique values in first-seen order: deterministic output without reordering what the user wrote. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
