/**
 * The machine-readable plan that `tofu show -json <planfile>` (or `terraform show -json`) prints:
 * only the parts the review reads. Format reference: the "JSON Output Format" page of either tool.
 */

/** Plan JSON format versions the review reads: 1.x (a minor version only adds fields). */
export const SUPPORTED_FORMAT_MAJOR = "1";

export type Action = "no-op" | "create" | "read" | "update" | "delete" | "forget";

export interface Change {
  readonly actions: readonly Action[];
  readonly before: unknown;
  readonly after: unknown;
  /** Mirrors `after`: `true` where a value is known only after apply. */
  readonly after_unknown?: unknown;
  /** Mirror `before`/`after`: `true` where a value is sensitive (never shown in the report). */
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** Attribute paths that force the replacement. */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** Set for a deposed object (left over from a create-before-destroy). */
  readonly deposed?: string;
  readonly change: Change;
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly resource_changes?: readonly ResourceChange[];
  readonly planned_values?: unknown;
}

/** A plan file that cannot be reviewed; the message names the file and says what was expected. */
export class PlanInputError extends Error {}

const EXPECTED = "expected the output of `tofu show -json <planfile>` or `terraform show -json <planfile>`";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks one plan JSON: refuses what is not a plan (a state, a config, any other
 * JSON), a format version other than 1.x, and an errored (partial) plan.
 */
export function readPlan(file: string, text: string): PlanJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PlanInputError(`${file}: not JSON (${(error as Error).message}); ${EXPECTED}`);
  }
  if (!isObject(parsed) || typeof parsed.format_version !== "string") {
    throw new PlanInputError(`${file}: not a plan (no format_version); ${EXPECTED}`);
  }
  if (!("planned_values" in parsed) && !("resource_changes" in parsed)) {
    const what = "values" in parsed ? "a state (`tofu show -json` of a state file)" : "not a plan (no planned_values or resource_changes)";
    throw new PlanInputError(`${file}: ${what}; ${EXPECTED}`);
  }
  const major = parsed.format_version.split(".")[0];
  if (major !== SUPPORTED_FORMAT_MAJOR) {
    throw new PlanInputError(
      `${file}: plan format_version ${JSON.stringify(parsed.format_version)} is not supported (supported: ${SUPPORTED_FORMAT_MAJOR}.x)`,
    );
  }
  if (parsed.errored === true) {
    throw new PlanInputError(
      `${file}: the plan errored ("errored": true): it is partial and cannot be applied; fix the errors the plan printed and plan again`,
    );
  }
  const changes = parsed.resource_changes ?? [];
  if (
    !Array.isArray(changes) ||
    !changes.every((c) => isObject(c) && typeof c.address === "string" && isObject(c.change) && Array.isArray(c.change.actions))
  ) {
    throw new PlanInputError(`${file}: resource_changes is not a list of changes with address and change.actions; ${EXPECTED}`);
  }
  return parsed as unknown as PlanJson;
}

/** What a change does to its resource, as a reviewer counts it; undefined for no-op and data reads. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget";

export function changeKind(change: ResourceChange): ChangeKind | undefined {
  if (change.mode !== "managed") return undefined;
  const actions = change.change.actions;
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("create")) return "create";
  if (actions.includes("update")) return "update";
  if (actions.includes("forget")) return "forget";
  return undefined;
}

/** A value at `path` of `before` or `after`; undefined when absent. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const step of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/**
 * Is `path` marked in a mirror (`after_unknown`, `before_sensitive`, `after_sensitive`)? A mirror
 * marks a value with `true`, and a whole subtree with one `true` at its top.
 */
export function isMarked(mirror: unknown, path: readonly (string | number)[]): boolean {
  let value = mirror;
  for (const step of path) {
    if (value === true) return true;
    if (typeof value !== "object" || value === null) return false;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value === true;
}

/** `rule[0].apply_server_side_encryption_by_default[0].sse_algorithm`: an attribute path as a reviewer reads it. */
export function pathText(path: readonly (string | number)[]): string {
  return path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");
}

const UNKNOWN = "(known after apply)";
const SENSITIVE = "(sensitive)";

function display(value: unknown): string {
  if (value === undefined || value === null) return "unset";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** An attribute before the change, as the report may show it: sensitive values hidden. */
export function shownBefore(change: Change, path: readonly (string | number)[]): string {
  return isMarked(change.before_sensitive, path) ? SENSITIVE : display(valueAt(change.before, path));
}

/** An attribute after the change: sensitive values hidden, values known only after apply named so. */
export function shownAfter(change: Change, path: readonly (string | number)[]): string {
  if (isMarked(change.after_sensitive, path)) return SENSITIVE;
  return isMarked(change.after_unknown, path) ? UNKNOWN : display(valueAt(change.after, path));
}
