import { Construct } from "constructs";
import { mustBe, show } from "../../modules/private/messages";
import { HclValue, expr, hclString, renderExpression } from "./hcl-expression";

/**
 * Terraform `validation` (and `precondition`) blocks that refuse what the constructs refuse,
 * with the same words. The patterns and limits come from modules/validation.ts, the words
 * ("a whole number from 7 to 30") from the message catalog the TypeScript checks use
 * (modules/private/messages.ts). So a message reads `<variable path> must be <words>, got <value>.`,
 * like the TypeScript `<Construct>: <prop> must be <words>, got <value>`. Conditions stay within
 * RE2 (Terraform's `regex()`) and never fail on null or odd types (`can`, `try`): Terraform
 * evaluates every condition and message, also for values that pass.
 */

/** One check of a variable (or a resource's precondition), with the input the tests refuse it with. */
export interface Rule {
  /** Short name for the test run: `deletion_window_in_days`. */
  readonly id: string;
  readonly condition: string;
  /** The `error_message` value: a template string (`${...}` interpolations) or an expression. */
  readonly message: HclValue;
  /** Variables (by name) that break this rule and no other: the test's input. */
  readonly bad: Readonly<Record<string, HclValue>>;
  /** The message Terraform must print for `bad`. */
  readonly expectedMessage: string;
  /** The words ("must be <words>, got") of that message. */
  readonly words: string;
  /** The TypeScript check refusing the same input: its message must read the same words (tests). */
  readonly typescript?: (scope: Construct) => void;
  /** The words of the TypeScript check where they name its props instead of the module's variables. */
  readonly typescriptWords?: string;
}

/** `${...}` inside a message template: Terraform computes it. */
export function interpolate(expression: string): string {
  return `\${${expression}}`;
}

export function matches(pattern: RegExp, expression: string): string {
  return `can(regex(${hclString(pattern.source)}, ${expression}))`;
}

export function wholeNumberIn(expression: string, range: { readonly min: number; readonly max: number }): string {
  return `${expression} == floor(${expression}) && ${expression} >= ${range.min} && ${expression} <= ${range.max}`;
}

/** Null passes; `try` keeps a null from erroring inside the check (`||` does not short-circuit). */
export function nullOr(expression: string, condition: string): string {
  return `${expression} == null || try(${condition}, false)`;
}

/** `<path> must be <allowed>, got <jsonencode(value)>.` as a message template. */
export function messageTemplate(path: string, allowed: string, valueExpression: string): string {
  return `${mustBe(path, allowed, interpolate(`jsonencode(${valueExpression})`))}.`;
}

/** The message Terraform prints: `<path> must be <words>, got <value>.` */
function printed(path: string, words: string, shown: unknown): string {
  return `${mustBe(path, words, show(shown))}.`;
}

/** The rule that one value (an argument or an object attribute) satisfies `condition`. */
export function valueRule(args: {
  id: string;
  path: string;
  expression: string;
  condition: string;
  allowed: string;
  /** What `allowed` reads as for `bad`, where it computes part of the words. */
  words?: string;
  bad: Readonly<Record<string, HclValue>>;
  shown: unknown;
  typescript?: (scope: Construct) => void;
  typescriptWords?: string;
}): Rule {
  const words = args.words ?? args.allowed;
  return {
    id: args.id,
    condition: args.condition,
    message: messageTemplate(args.path, args.allowed, args.expression),
    bad: args.bad,
    expectedMessage: printed(args.path, words, args.shown),
    words,
    typescript: args.typescript,
    typescriptWords: args.typescriptWords,
  };
}

/**
 * The rule that every element of a list (or every value or key of a map) satisfies `condition`;
 * the message names each one that does not: `key_user_arns[1] must be ..., got "x".`
 */
export function eachRule(args: {
  id: string;
  /** `for` header: `for i, arn in var.key_user_arns`. */
  over: string;
  /** The element's path in the message, a template: `key_user_arns[${i}]`. */
  path: string;
  /** The value checked and shown. */
  item: string;
  condition: (item: string) => string;
  allowed: string;
  bad: Readonly<Record<string, HclValue>>;
  /** Path and value of each element `bad` breaks. */
  expected: readonly { readonly path: string; readonly shown: unknown }[];
  typescript?: (scope: Construct) => void;
  typescriptWords?: string;
}): Rule {
  const check = args.condition(args.item);
  const sentence = renderExpression(messageTemplate(args.path, args.allowed, args.item));
  return {
    id: args.id,
    condition: `alltrue([${args.over} : ${check}])`,
    message: expr(`join(" ", [${args.over} : ${sentence} if !(${check})])`),
    bad: args.bad,
    expectedMessage: args.expected.map((e) => printed(e.path, args.allowed, e.shown)).join(" "),
    words: args.allowed,
    typescript: args.typescript,
    typescriptWords: args.typescriptWords,
  };
}
