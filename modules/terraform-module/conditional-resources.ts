import { ModuleElement, addressOf } from "./module-elements";

/**
 * Resources that exist only when a Terraform expression is true (`count = cond ? 1 : 0`).
 * The constructs refer to their resources as `type.name.attr`; with `count` Terraform needs
 * `type.name[0].attr`, which is only valid where the resource is sure to exist. So a reference
 * becomes `[0]` inside a resource of the same groups, its substitute elsewhere, and is an
 * error when it has neither: the build fails instead of publishing a module that cannot plan.
 */
export interface ConditionalGroup {
  /** Terraform expression; the group's resources exist when it is true. */
  readonly condition: string;
  /** `type.name` of each resource in the group. */
  readonly addresses: readonly string[];
  /**
   * For references from outside the group: `type.name.attr` and the expression that stands for it
   * whether or not the group exists.
   * @default {}
   */
  readonly substitutes?: Readonly<Record<string, string>>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  }
  return value;
}

/** The elements with `count` on every conditional resource and every reference to one rewritten. */
export function applyConditions(elements: readonly ModuleElement[], groups: readonly ConditionalGroup[]): ModuleElement[] {
  const groupsOf = (address: string) => groups.filter((g) => g.addresses.includes(address));
  const conditional = [...new Set(groups.flatMap((g) => g.addresses))];
  if (conditional.length === 0) return [...elements];
  // Not preceded by a name character or '.', so `data.x.y` never matches a resource `x.y`.
  const reference = new RegExp(`(?<![\\w.-])(${conditional.map(escapeRegExp).join("|")})\\.(\\w+)`, "g");

  return elements.map((element) => {
    const own = element.kind === "resource" ? groupsOf(addressOf(element)) : [];
    const where = element.kind === "resource" ? addressOf(element) : `${element.kind} ${element.name}`;
    const rewrite = (text: string) =>
      text.replace(reference, (match, address: string, attribute: string) => {
        if (groupsOf(address).every((g) => own.includes(g))) return `${address}[0].${attribute}`;
        const substitute = groupsOf(address).map((g) => g.substitutes?.[match]).find((s) => s !== undefined);
        if (substitute === undefined) {
          throw new Error(`terraform module: ${where} refers to ${match}, which may not exist there; give its group a substitute`);
        }
        return substitute;
      });
    const body = mapStrings(element.body, rewrite) as Record<string, unknown>;
    if (own.length === 0) return { ...element, body };
    const condition = own.map((g) => (own.length > 1 ? `(${g.condition})` : g.condition)).join(" && ");
    return { ...element, body: { count: `\${${condition} ? 1 : 0}`, ...body } };
  });
}
