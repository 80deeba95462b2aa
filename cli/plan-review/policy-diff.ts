import { LooseStatement, anyPatternMatches, listOf } from "../../modules/private/policy-reading";
import { compareStrings } from "../../modules/private/terraform-json";

/**
 * Compares two versions of a resource policy (key policy, bucket policy) statement by statement
 * and lists every way the new one lets more through: a principal, action or resource added to
 * an Allow, a condition removed from or loosened in an Allow, a Deny removed or narrowed.
 * Statements are matched by Sid (statements without one by content), so order, formatting,
 * single value versus list, and the case of action names are never a change.
 */

export type WideningKind =
  | "allow-added"
  | "principal-added"
  | "action-added"
  | "resource-added"
  | "condition-removed"
  | "condition-loosened"
  | "deny-removed"
  | "deny-narrowed";

export interface PolicyWidening {
  readonly kind: WideningKind;
  /** The statement: `"<Sid>"`, or `#<n>` (1-based, in its policy) for a statement without a Sid. */
  readonly statement: string;
  /** The element that changed: `Principal`, `Action`, `Condition StringEquals kms:ViaService`, `Effect`, or `(statement)`. */
  readonly element: string;
  readonly before: string;
  readonly after: string;
}

/** Principal, action and resource elements: the positive form or its Not form. */
interface Listed {
  /** As written (the first spelling of each), in the order of their canonical forms. */
  readonly values: string[];
  /** Canonical forms: action names lower-cased, as IAM compares them. */
  readonly canonical: string[];
  readonly negated: boolean;
}

interface Condition {
  /** `<operator> <key>`, the key as first written. */
  readonly name: string;
  readonly values: string[];
}

interface Statement {
  readonly label: string;
  readonly sid?: string;
  readonly effect: string;
  readonly principal?: Listed;
  readonly action?: Listed;
  readonly resource?: Listed;
  /** By `<operator> <key>` with the key lower-cased (IAM compares condition keys case-insensitively). */
  readonly conditions: ReadonlyMap<string, Condition>;
  /** Everything above but the label, canonical: equal texts are the same statement. */
  readonly canonical: string;
}

/** `"*"`, `{"AWS": "*"}` and `{"AWS": ["*"]}` are everyone; an account ID and its root ARN are the same principal. */
function principalValues(principal: unknown): string[] {
  if (principal === "*") return ["*"];
  if (typeof principal !== "object" || principal === null) return [];
  return Object.entries(principal as Record<string, unknown>).flatMap(([type, values]) =>
    listOf(values).map((value) => {
      const text = String(value);
      if (type === "AWS" && text === "*") return "*";
      const account = /^arn:[^:]+:iam::(\d{12}):root$/.exec(text)?.[1] ?? (/^\d{12}$/.test(text) ? text : undefined);
      return account !== undefined && type === "AWS" ? `AWS:${account}` : `${type}:${text}`;
    }),
  );
}

const strings = (value: unknown) => listOf(value).map(String);

function listed(
  positive: unknown,
  negative: unknown,
  read: (value: unknown) => string[],
  canon: (value: string) => string = (v) => v,
): Listed | undefined {
  const raw = positive ?? negative;
  if (raw === undefined) return undefined;
  const spelling = new Map<string, string>();
  for (const value of read(raw)) if (!spelling.has(canon(value))) spelling.set(canon(value), value);
  const canonical = [...spelling.keys()].sort(compareStrings);
  return { values: canonical.map((c) => spelling.get(c) as string), canonical, negated: positive === undefined };
}

function normalize(raw: LooseStatement & { NotPrincipal?: unknown; NotResource?: unknown }, index: number): Statement {
  const conditions = new Map<string, Condition>();
  for (const [operator, entries] of Object.entries(raw.Condition ?? {})) {
    for (const [key, values] of Object.entries(entries ?? {})) {
      const id = `${operator} ${key.toLowerCase()}`;
      const merged = [...(conditions.get(id)?.values ?? []), ...strings(values)];
      conditions.set(id, { name: conditions.get(id)?.name ?? `${operator} ${key}`, values: [...new Set(merged)].sort(compareStrings) });
    }
  }
  const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
  const statement = {
    sid,
    effect: String(raw.Effect),
    principal: listed(raw.Principal, raw.NotPrincipal, principalValues),
    action: listed(raw.Action, raw.NotAction, strings, (action) => action.toLowerCase()),
    resource: listed(raw.Resource, raw.NotResource, strings),
  };
  const canonical = JSON.stringify({
    sid,
    effect: statement.effect,
    ...Object.fromEntries(
      (["principal", "action", "resource"] as const).map((key) => [
        key,
        statement[key] && { negated: statement[key].negated, values: statement[key].canonical },
      ]),
    ),
    conditions: [...conditions.entries()].map(([id, c]) => [id, c.values]).sort(([a], [b]) => compareStrings(String(a), String(b))),
  });
  return { ...statement, label: sid !== undefined ? JSON.stringify(sid) : `#${index + 1}`, conditions, canonical };
}

interface Matching {
  readonly pairs: [Statement, Statement][];
  readonly removed: Statement[];
  readonly added: Statement[];
}

/** Pairs statements by Sid, then those without a Sid by identical content. */
function match(before: Statement[], after: Statement[]): Matching {
  const unmatched = [...after];
  const pairs: [Statement, Statement][] = [];
  const removed: Statement[] = [];
  for (const old of before) {
    const index = unmatched.findIndex((s) => (old.sid !== undefined ? s.sid === old.sid : s.sid === undefined && s.canonical === old.canonical));
    if (index === -1) removed.push(old);
    else pairs.push([old, unmatched.splice(index, 1)[0]]);
  }
  return { pairs, removed, added: unmatched };
}

function showListed(name: string, element: Listed | undefined): string {
  if (element === undefined) return `no ${name}`;
  return `${element.negated ? `Not${name}` : name} ${element.values.join(", ")}`;
}

function showConditions(statement: Statement): string[] {
  return [...statement.conditions.values()].map(({ name, values }) => `${name}=${values.join(",")}`);
}

/** One line a reviewer can read: effect, principal, action, condition. */
function summary(statement: Statement): string {
  const conditions = showConditions(statement);
  return [
    statement.effect,
    showListed("Principal", statement.principal),
    showListed("Action", statement.action),
    ...(conditions.length > 0 ? [`when ${conditions.join(" and ")}`] : []),
  ].join("; ");
}

/** Does `element` (as written in the old statement) include `value`? Wildcards in the old pattern count. */
function includes(element: Listed | undefined, value: string, glob: boolean): boolean {
  if (element === undefined) return false;
  const hit = glob ? anyPatternMatches(element.values, value) : element.values.includes(value) || element.values.includes("*");
  return element.negated ? !hit : hit;
}

/**
 * Values the new element lets through that the old one did not. For a Not form only the listed
 * exclusions can be compared: a dropped exclusion lets more through; switching to the Not form
 * from a list lets through everything not excluded, reported as the whole new element.
 */
function grown(old: Listed | undefined, now: Listed | undefined, glob: boolean): string[] | "all" {
  if (now === undefined) return [];
  if (!now.negated) return now.values.filter((value) => !includes(old, value, glob));
  if (old?.negated) return old.values.filter((_, i) => !now.canonical.includes(old.canonical[i])).map((value) => `no longer excluded: ${value}`);
  return "all";
}

/** Positive operators match more with more values; negated ones match more with fewer. */
const NEGATED_OPERATOR = /^(ForAllValues:|ForAnyValue:)?(StringNot|ArnNot|NotIpAddress)/;
const POSITIVE_OPERATOR =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress|BinaryEquals)(IfExists)?$/;

/** Does the condition `name` now match requests it did not (values added to a positive test, removed from a negated one)? */
function conditionMatchesMore(name: string, old: string[], now: string[]): boolean {
  const operator = name.split(" ")[0];
  const added = now.some((v) => !old.includes(v));
  const dropped = old.some((v) => !now.includes(v));
  if (NEGATED_OPERATOR.test(operator)) return dropped;
  if (POSITIVE_OPERATOR.test(operator)) return added;
  // Bool, Null, numeric and date tests: any change may flip which requests match.
  return added || dropped;
}

type Element = "Principal" | "Action" | "Resource";

const ELEMENTS: readonly {
  readonly name: Element;
  readonly key: "principal" | "action" | "resource";
  readonly glob: boolean;
  readonly kind: WideningKind;
}[] = [
  { name: "Principal", key: "principal", glob: false, kind: "principal-added" },
  { name: "Action", key: "action", glob: true, kind: "action-added" },
  { name: "Resource", key: "resource", glob: true, kind: "resource-added" },
];

function widenedAllow(old: Statement, now: Statement): PolicyWidening[] {
  const found: PolicyWidening[] = [];
  const at = (kind: WideningKind, element: string, before: string, after: string) =>
    found.push({ kind, statement: now.label, element, before, after });
  for (const element of ELEMENTS) {
    const more = grown(old[element.key], now[element.key], element.glob);
    if (more === "all" || more.length > 0) {
      at(
        element.kind,
        element.name,
        showListed(element.name, old[element.key]),
        `${showListed(element.name, now[element.key])}${more === "all" ? "" : ` (added: ${more.join(", ")})`}`,
      );
    }
  }
  for (const [id, { name, values }] of old.conditions) {
    const current = now.conditions.get(id);
    if (current === undefined) at("condition-removed", `Condition ${name}`, values.join(", "), "removed");
    else if (conditionMatchesMore(name, values, current.values))
      at("condition-loosened", `Condition ${name}`, values.join(", "), current.values.join(", "));
  }
  return found;
}

function narrowedDeny(old: Statement, now: Statement): PolicyWidening[] {
  const found: PolicyWidening[] = [];
  const at = (element: string, before: string, after: string) => found.push({ kind: "deny-narrowed", statement: now.label, element, before, after });
  for (const element of ELEMENTS) {
    // The Deny covers less when the old one covered something the new one does not.
    const less = grown(now[element.key], old[element.key], element.glob);
    if (less === "all" || less.length > 0) {
      at(
        element.name,
        showListed(element.name, old[element.key]),
        `${showListed(element.name, now[element.key])}${less === "all" ? "" : ` (no longer denied: ${less.join(", ")})`}`,
      );
    }
  }
  for (const [id, { name, values }] of now.conditions) {
    const previous = old.conditions.get(id);
    if (previous === undefined) at(`Condition ${name}`, "absent", `added: ${values.join(", ")}`);
    // Matching less is the reverse change matching more.
    else if (conditionMatchesMore(name, values, previous.values)) at(`Condition ${previous.name}`, previous.values.join(", "), values.join(", "));
  }
  return found;
}

/** Every way `after` lets more through than `before`, in the order of `before`'s statements, then added ones. */
export function policyWidenings(before: readonly LooseStatement[], after: readonly LooseStatement[]): PolicyWidening[] {
  const { pairs, removed, added } = match(before.map(normalize), after.map(normalize));
  const found: PolicyWidening[] = [];
  for (const old of removed) {
    if (old.effect === "Deny")
      found.push({ kind: "deny-removed", statement: old.label, element: "(statement)", before: summary(old), after: "removed" });
  }
  for (const [old, now] of pairs) {
    if (old.effect === "Deny" && now.effect !== "Deny") {
      found.push({ kind: "deny-removed", statement: now.label, element: "Effect", before: summary(old), after: summary(now) });
    } else if (old.effect === "Allow" && now.effect === "Allow") {
      found.push(...widenedAllow(old, now));
    } else if (old.effect === "Deny") {
      found.push(...narrowedDeny(old, now));
    }
  }
  for (const now of added) {
    if (now.effect === "Allow")
      found.push({ kind: "allow-added", statement: now.label, element: "(statement)", before: "absent", after: summary(now) });
  }
  return found;
}
