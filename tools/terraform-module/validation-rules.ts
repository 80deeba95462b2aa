import { Construct } from "constructs";
import { HclValue, expr, hclString, renderExpression } from "./hcl-expression";

/**
 * Terraform `validation` (and `precondition`) blocks that refuse what the constructs refuse,
 * with the same words. The patterns and limits come from modules/validation.ts and the
 * constructs; the words ("a whole number from 7 to 30") are read from the TypeScript check
 * itself: it runs on the same bad input and its error's "must be <words>, got" part is taken.
 * So a message reads `<variable path> must be <words>, got <value>.`, like the TypeScript
 * `<Construct>: <prop> must be <words>, got <value>`. Conditions stay within RE2 (Terraform's
 * `regex()`) and never fail on null or odd types (`can`, `try`): Terraform evaluates every
 * condition and message, also for values that pass.
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
  /** The TypeScript check refusing the same input; its message must read the same (tests). */
  readonly typescript?: (scope: Construct) => void;
}

/** `${...}` inside a message template: Terraform computes it. */
export function interpolate(expression: string): string {
  return `\${${expression}}`;
}

/** How the TypeScript checks show a value (modules/validation.ts `show`), which `jsonencode` matches. */
export function show(value: unknown): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** The "<words>" of a TypeScript check's `<...> must be <words>, got <value>` error for a bad input. */
export function allowedWords(check: () => void): string {
  try {
    check();
  } catch (error) {
    const message = (error as Error).message;
    const start = message.indexOf(" must be ");
    const end = message.lastIndexOf(", got ");
    if (start !== -1 && end > start) return message.slice(start + " must be ".length, end);
    throw new Error(`terraform module: the TypeScript check failed in another form: ${message}`);
  }
  throw new Error("terraform module: the TypeScript check accepted the input it should refuse");
}

/** Replaces the one occurrence of `literal` in `text`; a wording change in the TypeScript check fails the build here. */
export function substituteOnce(text: string, literal: string, replacement: string): string {
  const at = text.indexOf(literal);
  if (at === -1 || text.indexOf(literal, at + 1) !== -1) throw new Error(`terraform module: expected ${JSON.stringify(literal)} once in ${JSON.stringify(text)}`);
  return text.slice(0, at) + replacement + text.slice(at + literal.length);
}

/** TypeScript prop names → the module's names, for words that name another prop. */
export function inModuleNames(words: string, names: Readonly<Record<string, string>>): string {
  return Object.entries(names).reduce((text, [prop, name]) => text.replace(new RegExp(`\\b${prop}\\b`, "g"), name), words);
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
export function mustBe(path: string, allowed: string, valueExpression: string): string {
  return `${path} must be ${allowed}, got ${interpolate(`jsonencode(${valueExpression})`)}.`;
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
}): Rule {
  return {
    id: args.id,
    condition: args.condition,
    message: mustBe(args.path, args.allowed, args.expression),
    bad: args.bad,
    expectedMessage: `${args.path} must be ${args.words ?? args.allowed}, got ${show(args.shown)}.`,
    typescript: args.typescript,
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
}): Rule {
  const check = args.condition(args.item);
  const sentence = renderExpression(mustBe(args.path, args.allowed, args.item));
  return {
    id: args.id,
    condition: `alltrue([${args.over} : ${check}])`,
    message: expr(`join(" ", [${args.over} : ${sentence} if !(${check})])`),
    bad: args.bad,
    expectedMessage: args.expected.map((e) => `${e.path} must be ${args.allowed}, got ${show(e.shown)}.`).join(" "),
    typescript: args.typescript,
  };
}
