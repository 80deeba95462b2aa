import { Found, Subject, replacement, turnedOff } from "./found";
import { isMarked, shownAfter, shownBefore, valueAt } from "./plan-json";

/** KMS keys: a deleted or replaced key takes the readability of everything encrypted with it along. */
export const KEY_TYPES = ["aws_kms_key", "aws_kms_replica_key"];

/** AWS's waiting period when none is set. */
const DEFAULT_DELETION_WINDOW_DAYS = 30;

function deletionWindow(value: unknown): number | undefined {
  if (value === undefined || value === null) return DEFAULT_DELETION_WINDOW_DAYS;
  return typeof value === "number" ? value : undefined;
}

export function keyRisks({ change, kind, address }: Subject): Found[] {
  const { before, after } = change.change;
  const found: Found[] = [];
  const at = (rule: Found["rule"], attribute: string, from: string, to: string) => found.push({ rule, address, attribute, before: from, after: to });
  if (kind === "delete") {
    const days = deletionWindow(valueAt(before, ["deletion_window_in_days"]));
    at("key-delete", "(resource)", `key ${shownBefore(change.change, ["key_id"])}`, `deleted after a ${days ?? "?"}-day waiting period`);
  }
  if (kind === "replace") {
    const { attribute, before: from, after: to } = replacement(change);
    at("key-replace", attribute, from, to);
  }
  if (kind === "update") {
    const old = deletionWindow(valueAt(before, ["deletion_window_in_days"]));
    const now = isMarked(change.change.after_unknown, ["deletion_window_in_days"])
      ? undefined
      : deletionWindow(valueAt(after, ["deletion_window_in_days"]));
    if (old !== undefined && now !== undefined && now < old) {
      at("key-deletion-window-shortened", "deletion_window_in_days", `${old}`, `${now}`);
    }
  }
  if (kind === "update" || kind === "replace") {
    if (turnedOff(change.change, ["enable_key_rotation"])) {
      at(
        "key-rotation-off",
        "enable_key_rotation",
        shownBefore(change.change, ["enable_key_rotation"]),
        shownAfter(change.change, ["enable_key_rotation"]),
      );
    }
    // A primary key says `is_enabled`, a replica `enabled`.
    const enabled = change.type === "aws_kms_replica_key" ? "enabled" : "is_enabled";
    if (turnedOff(change.change, [enabled])) at("key-disabled", enabled, shownBefore(change.change, [enabled]), shownAfter(change.change, [enabled]));
  }
  return found;
}
