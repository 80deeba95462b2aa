/**
 * Where each resource of the constructs lands in the Terraform module: one row per construct
 * path (as in a LookoutVisionEncryption), with the name a person reads in plans and `state mv`,
 * and what switches it on. Addresses are part of the module's interface: renaming one replaces
 * the resource for every user, so a test pins this table (docs/terraform-module.md shows it).
 */

/** What turns a resource on, as a Terraform expression of the module's inputs. */
export const CONDITIONS = {
  newKey: "local.create_key",
  replicaKey: "local.create_replica_key",
  /** A key made by the module: new or replica (not bring-your-own). */
  ownKey: "!local.bring_your_own_key",
  consoleBucket: "var.console_bucket.create",
  accessLogs: "var.access_logs.enabled",
  userPolicy: "var.user_policy.create",
} as const;
export type Condition = keyof typeof CONDITIONS;

/** What a resource is repeated over (`for_each`): the expression, and the empty value when a condition turns it off. */
export const COLLECTIONS = {
  outputBuckets: { expression: "var.output_buckets", empty: "{}", placeholder: "<id>" },
  userPolicyRoles: { expression: "toset(var.user_policy.attach_to_role_names)", empty: "toset([])", placeholder: "<role>" },
} as const;
export type Collection = keyof typeof COLLECTIONS;

export interface AddressRow {
  /** Path below a LookoutVisionEncryption (`<id>` and `<role>` stand for the map key). */
  readonly construct: string;
  /** Resource name in the module: the address is `<type>.<name>` and the type is the construct's. */
  readonly name: string;
  /** Conditions that must all hold for the resource to exist (`count`, or a filter on `for_each`). */
  readonly when: readonly Condition[];
  readonly each?: Collection;
  /** Path in the builder's source stack, where it differs from `construct`. */
  readonly source?: string;
}

/** A resource of the source stack that the module leaves out, and why. */
export interface OmittedRow {
  readonly source: string;
  readonly reason: string;
}

/** The parts of an EncryptedBucket (console and output buckets), in the order the module lists them. */
const DATA_BUCKET_PARTS = ["Bucket", "Encryption", "Versioning", "Lifecycle", "PublicAccessBlock", "OwnershipControls", "Policy", "Logging"];
/** The parts of the shared AccessLogBucket. */
const LOG_BUCKET_PARTS = ["Bucket", "Encryption", "Lifecycle", "PublicAccessBlock", "OwnershipControls", "Policy"];

function bucketRows(construct: string, name: string, parts: readonly string[], when: readonly Condition[], each?: Collection): AddressRow[] {
  return parts.map((part) => ({
    construct: `${construct}/${part}`,
    name,
    // Server access logging of a data bucket exists only with the shared log bucket.
    when: part === "Logging" ? [...when, "accessLogs"] : when,
    ...(each ? { each } : {}),
  }));
}

export const ADDRESS_TABLE: readonly AddressRow[] = [
  { construct: "Key/Key", name: "this", when: ["newKey"] },
  { construct: "Key/Key", name: "this", when: ["replicaKey"], source: "ReplicaKey/Key" },
  { construct: "Key/Alias", name: "this", when: ["ownKey"] },
  ...bucketRows("ConsoleBucket", "console", DATA_BUCKET_PARTS, ["consoleBucket"]),
  ...bucketRows("OutputBucket-<id>", "output", DATA_BUCKET_PARTS, [], "outputBuckets"),
  ...bucketRows("AccessLogs", "access_logs", LOG_BUCKET_PARTS, ["accessLogs"]),
  { construct: "UserPolicy", name: "users", when: ["userPolicy"] },
  { construct: "UserPolicyAttachment-<role>", name: "users", when: ["userPolicy"], each: "userPolicyRoles" },
];

export const OMITTED: readonly OmittedRow[] = [{ source: "ReplicaKey/Alias", reason: "aws_kms_alias.this names the replica key too" }];

/** Source-stack path of a row. */
export function sourcePath(row: AddressRow): string {
  return row.source ?? row.construct;
}

/** `count` or `for_each` of a row, or nothing when it always exists. */
export function metaArgument(row: AddressRow): { name: "count" | "for_each"; expression: string } | undefined {
  const condition = row.when.map((c) => CONDITIONS[c]).join(" && ");
  if (row.each) {
    const collection = COLLECTIONS[row.each];
    return { name: "for_each", expression: condition ? `${condition} ? ${collection.expression} : ${collection.empty}` : collection.expression };
  }
  return condition ? { name: "count", expression: `${condition} ? 1 : 0` } : undefined;
}

/** The address of one instance as a person writes it in `state mv`: `aws_s3_bucket.console[0]`, `aws_s3_bucket.output["<id>"]`. */
export function instanceAddress(type: string, row: AddressRow): string {
  const meta = metaArgument(row);
  if (meta === undefined) return `${type}.${row.name}`;
  return meta.name === "count" ? `${type}.${row.name}[0]` : `${type}.${row.name}["${COLLECTIONS[row.each as Collection].placeholder}"]`;
}

/**
 * How a resource refers to another one (`type.name` plus the index), or undefined when the other
 * may not exist where the reference is: only a resource that exists under the same conditions
 * (and for the same key) may index it.
 */
export function referenceFrom(from: AddressRow | undefined, to: AddressRow, type: string): string | undefined {
  const address = `${type}.${to.name}`;
  const fromWhen = from?.when ?? [];
  if (!to.when.every((c) => fromWhen.includes(c))) return undefined;
  if (to.each) return from?.each === to.each ? `${address}[each.key]` : undefined;
  return to.when.length > 0 ? `${address}[0]` : address;
}
