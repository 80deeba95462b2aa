/** Reading a synthesized stack (`cdk.tf.json`): resources, references between them, and their `//` metadata. */

type ResourceConfig = Record<string, unknown>;

/** The parts of a synthesized stack the posture check reads. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, ResourceConfig>>;
  readonly [key: string]: unknown;
}

/** One resource of the stack: `type.name` is its Terraform address. */
export interface ResourceRef {
  readonly type: string;
  readonly name: string;
  readonly config: ResourceConfig;
}

/**
 * Code-unit order: the same on every machine (localeCompare follows the locale, and its first
 * call costs milliseconds of ICU set-up at synth).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function address(ref: Pick<ResourceRef, "type" | "name">): string {
  return `${ref.type}.${ref.name}`;
}

/** Resources of one type, sorted by name so every output is deterministic. */
export function resourcesOf(json: TerraformJson, type: string): ResourceRef[] {
  return Object.entries(json.resource?.[type] ?? {})
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, config]) => ({ type, name, config }));
}

/** Where the resource was defined in the construct tree (cdktf writes it into `//.metadata.path`). */
export function constructPathOf(ref: ResourceRef): string {
  const path = (ref.config["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata?.path;
  return typeof path === "string" ? path : address(ref);
}

/** A value Terraform computes at plan or apply time: unknown at synth. */
export function isExpression(value: unknown): value is string {
  return typeof value === "string" && value.includes("${");
}

/**
 * Nested blocks are synthesized as an object or as a list of objects depending on the
 * provider schema and on how they were written: read both the same way.
 */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null);
  return typeof value === "object" && value !== null ? [value as Record<string, unknown>] : [];
}

/** `true` as written by cdktf, or as a string by hand; undefined when unset. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** Does `value` (an argument such as `bucket` or `key_id`) refer to this resource through one of `attributes`? */
function refersTo(value: unknown, target: ResourceRef, attributes: readonly string[], literalIds: readonly unknown[] = []): boolean {
  if (typeof value !== "string") return false;
  if (attributes.some((attribute) => value === `\${${address(target)}.${attribute}}`)) return true;
  return !isExpression(value) && literalIds.some((id) => typeof id === "string" && !isExpression(id) && id === value);
}

/** The first of `targets` that `value` refers to; `literalIds` gives a target's literal identifiers (a bucket's name). */
export function findReferenced(
  value: unknown,
  targets: readonly ResourceRef[],
  attributes: readonly string[],
  literalIds: (t: ResourceRef) => unknown[],
): ResourceRef | undefined {
  return targets.find((target) => refersTo(value, target, attributes, literalIds(target)));
}
