import { PolicyDocument, PolicyStatement } from "../../modules/policies/policy-document";
import { Expression, HclValue, call, callWithObject, conditional, expr, renderExpression } from "./hcl-expression";

/**
 * IAM policy documents from the same pure functions the constructs use (modules/policies/),
 * written as a multi-line `jsonencode({ ... })`, one statement a block. Two things the
 * functions decide in TypeScript become Terraform expressions here:
 * - a statement that exists only for some inputs (key administrators given, say) is kept by a
 *   Terraform condition: `concat([...], condition ? [statement] : [])`;
 * - a list the module knows only as a Terraform list (the key users, the data buckets) is passed
 *   to the function as a one-element placeholder `["${name}"]` (see `listPlaceholder`), so
 *   whatever the function builds from each element (`${arn}/*`) becomes a `for` expression.
 */

/** The stand-in for a Terraform list named `name` (a `for` variable): what the policy functions receive. */
export function listPlaceholder(name: string): string[] {
  return [`\${${name}}`];
}

export interface PolicyExpressionOptions {
  /** Terraform list expression of each placeholder name (`arn` → `local.data_bucket_arns`). */
  readonly lists?: Readonly<Record<string, string>>;
  /** Terraform condition of each statement that exists only sometimes, by Sid. */
  readonly conditions?: Readonly<Record<string, string>>;
}

/** The placeholder names an element refers to. */
function placeholdersIn(text: string, names: readonly string[]): string[] {
  return names.filter((name) => text.includes(`\${${name}}`));
}

/** A list from a policy function as HCL: a placeholder list becomes its Terraform list or a `for` over it. */
function listValue(items: readonly unknown[], lists: Readonly<Record<string, string>>): HclValue {
  const names = Object.keys(lists);
  const holders = items.map((item) => (typeof item === "string" ? placeholdersIn(item, names) : []));
  if (holders.every((h) => h.length === 0)) return items.map((item) => hclValue(item, lists));
  if (items.length !== 1 || holders[0].length !== 1) {
    throw new Error(`terraform module: a policy list mixes a list placeholder with other values: ${JSON.stringify(items)}`);
  }
  const [name] = holders[0];
  const element = items[0] as string;
  if (element === `\${${name}}`) return expr(lists[name]);
  return expr(`[for ${name} in ${lists[name]} : ${renderExpression(element)}]`);
}

function hclValue(value: unknown, lists: Readonly<Record<string, string>>): HclValue {
  if (Array.isArray(value)) return listValue(value, lists);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hclValue(v, lists)]));
  }
  if (typeof value === "string") {
    const stray = placeholdersIn(value, Object.keys(lists));
    if (stray.length > 0) throw new Error(`terraform module: list placeholder ${stray[0]} used outside a list in ${JSON.stringify(value)}`);
  }
  return value as HclValue;
}

/** Statements as `[...]`, or `concat(...)` of unconditional runs and one `condition ? [statement] : []` each. */
function statementsValue(statements: readonly PolicyStatement[], options: PolicyExpressionOptions): HclValue {
  const lists = options.lists ?? {};
  const conditions = options.conditions ?? {};
  const unknownSids = Object.keys(conditions).filter((sid) => !statements.some((s) => s.Sid === sid));
  if (unknownSids.length > 0) throw new Error(`terraform module: conditions for statements the policy does not have: ${unknownSids.join(", ")}`);
  const parts: HclValue[] = [];
  let run: HclValue[] = [];
  for (const statement of statements) {
    const value = hclValue(statement, lists);
    const condition = conditions[statement.Sid];
    if (condition === undefined) {
      run.push(value);
      continue;
    }
    if (run.length > 0) parts.push(run);
    run = [];
    // One statement a conditional: a list of differently shaped objects would not unify with [].
    parts.push(conditional(condition, [value], []));
  }
  if (run.length > 0) parts.push(run);
  if (parts.length === 1 && Array.isArray(parts[0])) return parts[0];
  return call("concat", ...parts);
}

/** `jsonencode({ Version = ..., Statement = ... })` of a policy document. */
export function policyExpression(doc: PolicyDocument, options: PolicyExpressionOptions = {}): Expression {
  return callWithObject("jsonencode", { Version: doc.Version, Statement: statementsValue(doc.Statement, options) });
}
