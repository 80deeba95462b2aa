import { TerraformVariableValidationConfig } from "cdktf";
import { hclString } from "./hcl-expression";

/**
 * Terraform `validation` blocks built from the same patterns and limits the TypeScript checks
 * use (modules/validation.ts), so the module and the constructs refuse the same values.
 * JavaScript patterns used there stay within RE2, the syntax of Terraform's `regex()`.
 */

/** `${...}`: cdktf takes a condition as an interpolation. */
function rule(condition: string, errorMessage: string): TerraformVariableValidationConfig {
  return { condition: `\${${condition}}`, errorMessage };
}

export function matches(pattern: RegExp, expression: string): string {
  return `can(regex(${hclString(pattern.source)}, ${expression}))`;
}

export function wholeNumberIn(expression: string, range: { readonly min: number; readonly max: number }): string {
  return `${expression} == floor(${expression}) && ${expression} >= ${range.min} && ${expression} <= ${range.max}`;
}

/** True for every element of a list (or every key/value of a map, with `key`). */
export function forAll(collection: string, condition: (item: string, key: string) => string): string {
  return `alltrue([for key, item in ${collection} : ${condition("item", "key")}])`;
}

/** Null passes; `try` keeps a null from erroring inside the check (`||` does not short-circuit). */
export function nullOr(expression: string, condition: string): string {
  return `${expression} == null || try(${condition}, false)`;
}

/** One validation block of variable `name`: "Invalid <name>: must be <allowed>." */
export function validation(name: string, condition: string, allowed: string): TerraformVariableValidationConfig {
  return rule(condition, `Invalid ${name}: must be ${allowed}.`);
}
