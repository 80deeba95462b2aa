import { Change, ChangeKind, ResourceChange, changeKind, pathText, shownAfter, shownBefore, valueAt } from "./plan-json";
import { RiskRuleId } from "./rules";

/** One risk as a rule finds it, before it gets its stack and id. */
export interface Found {
  readonly rule: RiskRuleId;
  readonly address: string;
  /** The attribute (or policy element) that changes; `(resource)` for the resource as a whole. */
  readonly attribute: string;
  readonly before: string;
  readonly after: string;
  /** What exactly, when the rule's title is not enough (the kind of policy widening). */
  readonly detail?: string;
}

/** What every rule may look up across the plan of one stack. */
export interface PlanContext {
  readonly changes: readonly ResourceChange[];
  /** Names of the buckets this plan deletes or replaces: their settings go with them, reported once on the bucket. */
  readonly bucketsGoing: ReadonlySet<string>;
  /** IDs and ARNs of the keys this plan deletes or replaces. */
  readonly keysGoing: ReadonlySet<string>;
}

/** A reviewed resource change and what it does. */
export interface Subject {
  readonly change: ResourceChange;
  readonly kind: ChangeKind;
  /** The address a reviewer looks for, with the deposed object's key when it is one. */
  readonly address: string;
}

export function planContext(changes: readonly ResourceChange[]): PlanContext {
  const going = changes.filter((c) => ["delete", "replace"].includes(changeKind(c) ?? ""));
  const before = (c: ResourceChange, attribute: string) => valueAt(c.change.before, [attribute]);
  const strings = (values: unknown[]) => new Set(values.filter((v): v is string => typeof v === "string"));
  return {
    changes,
    bucketsGoing: strings(going.filter((c) => c.type === "aws_s3_bucket").map((c) => before(c, "bucket"))),
    keysGoing: strings(
      going.filter((c) => c.type === "aws_kms_key" || c.type === "aws_kms_replica_key").flatMap((c) => [before(c, "key_id"), before(c, "arn")]),
    ),
  };
}

export function subjectOf(change: ResourceChange): Subject | undefined {
  const kind = changeKind(change);
  if (kind === undefined) return undefined;
  return { change, kind, address: change.deposed ? `${change.address} (deposed object ${change.deposed})` : change.address };
}

/** Attribute, before and after of a replacement: the paths that force it, or the reason Terraform gives. */
export function replacement(change: ResourceChange): Pick<Found, "attribute" | "before" | "after"> {
  const paths = change.change.replace_paths ?? [];
  if (paths.length === 0) return { attribute: "(resource)", before: "exists", after: `replaced (${change.action_reason ?? "replace"})` };
  return {
    attribute: paths.map(pathText).join(", "),
    before: paths.map((p) => shownBefore(change.change, p)).join(", "),
    after: paths.map((p) => shownAfter(change.change, p)).join(", "),
  };
}

/** `true` before and anything but `true` after (including unknown): a protection turned off. */
export function turnedOff(change: Change, path: readonly (string | number)[]): boolean {
  return valueAt(change.before, path) === true && !(valueAt(change.after, path) === true);
}
