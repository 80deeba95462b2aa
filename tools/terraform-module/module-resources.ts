import { DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from "cdktf";
import { ADDRESS_TABLE, AddressRow, OMITTED, metaArgument, referenceFrom, sourcePath } from "./address-table";
import { BodyItem, HclBlock, attribute, block, comment, separated } from "./hcl-block";
import { HclValue, expr } from "./hcl-expression";

/** A resource of the module: its table row, type and block. */
export interface ModuleResource {
  readonly row: AddressRow;
  readonly type: string;
  /** The construct path it came from, below the source stack. */
  readonly path: string;
  readonly block: HclBlock;
}

/** What the builder adds to a resource beyond the construct's arguments, by `type.name`. */
export interface ResourceAdditions {
  /**
   * Replacement values of arguments (policies), built from construct data that `resolve` turns
   * into module terms: tokens resolved, references rewritten to module addresses.
   */
  readonly arguments?: Readonly<Record<string, (resolve: (value: unknown) => unknown) => HclValue>>;
  /** `precondition` and `postcondition` blocks, added to the resource's `lifecycle`. */
  readonly lifecycle?: readonly HclBlock[];
  /** Comment lines above the resource block (a section heading). */
  readonly comments?: readonly string[];
  /** Comment lines first inside the block, where a scanner reads them (`checkov:skip=...`). */
  readonly directives?: readonly string[];
}

/** A value with its tokens resolved as the stack would render them. */
export function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/** Provider arguments arrive wrapped (`{ value, isBlock }`); meta-arguments bare. */
interface Wrapped {
  readonly value: unknown;
  readonly isBlock?: boolean;
}

function isWrapped(value: unknown): value is Wrapped {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "value" in value && "isBlock" in value;
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A nested block's body: plain arguments first, then its own nested blocks, each after a blank line. */
function nestedBody(body: Record<string, unknown>): BodyItem[] {
  const entries = Object.entries(body).filter(([, v]) => v !== undefined) as [string, Wrapped][];
  const args = entries.filter(([, v]) => !v.isBlock).map(([name, v]) => attribute(name, v.value as HclValue));
  const blocks = entries.filter(([, v]) => v.isBlock).flatMap(([name, v]) => nestedBlocks(name, v.value));
  return separated([args, ...blocks.map((b) => [b])]);
}

function nestedBlocks(name: string, value: unknown): HclBlock[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => block(name, [], nestedBody(item as Record<string, unknown>)));
}

/**
 * The resource block: `count`/`for_each`; `region` and the arguments, `tags` last; nested
 * blocks; `depends_on`; `lifecycle` (with the builder's preconditions).
 */
function resourceBlock(
  type: string,
  row: AddressRow,
  body: Record<string, unknown>,
  replaced: Record<string, HclValue>,
  additions: ResourceAdditions,
): HclBlock {
  const meta = metaArgument(row);
  const wrapped = Object.entries(body).filter(([name, v]) => isWrapped(v) && name !== "//") as [string, Wrapped][];
  const args = wrapped.filter(([, v]) => !v.isBlock).map(([name, v]) => [name, name in replaced ? replaced[name] : (v.value as HclValue)] as const);
  const order = (name: string) => (name === "region" ? 0 : name === "tags" ? 2 : 1);
  const sortedArgs = [...args].sort((a, b) => order(a[0]) - order(b[0])).map(([name, value]) => attribute(name, value));
  const nested = wrapped.filter(([, v]) => v.isBlock).flatMap(([name, v]) => nestedBlocks(name, v.value));
  const dependsOn = body.depends_on as string[] | undefined;
  const lifecycle = body.lifecycle as { prevent_destroy?: boolean } | undefined;
  const lifecycleBody = separated([
    lifecycle?.prevent_destroy !== undefined ? [attribute("prevent_destroy", lifecycle.prevent_destroy)] : [],
    ...(additions.lifecycle ?? []).map((b) => [b]),
  ]);
  return block(
    "resource",
    [type, row.name],
    separated([
      (additions.directives ?? []).map(comment),
      meta ? [attribute(meta.name, expr(meta.expression))] : [],
      sortedArgs,
      ...nested.map((b) => [b]),
      dependsOn ? [attribute("depends_on", dependsOn.map(expr))] : [],
      lifecycleBody.length > 0 ? [block("lifecycle", [], lifecycleBody)] : [],
    ]),
    additions.comments ?? [],
  );
}

/** The source stack's resources with their rows, checking that the table covers each exactly once. */
function tableResources(source: TerraformStack): { resource: TerraformResource; row: AddressRow; path: string }[] {
  const prefix = `${source.node.path}/`;
  const all = source.node.findAll().filter(TerraformResource.isTerraformResource);
  const found = all.flatMap((resource) => {
    const path = resource.node.path.slice(prefix.length);
    if (OMITTED.some((o) => o.source === path)) return [];
    const row = ADDRESS_TABLE.find((r) => sourcePath(r) === path);
    if (!row) throw new Error(`terraform module: ${path} (${resource.terraformResourceType}) has no row in the address table`);
    return [{ resource, row, path }];
  });
  const missing = ADDRESS_TABLE.filter((row) => !found.some((f) => f.row === row));
  if (missing.length > 0) throw new Error(`terraform module: no resource at ${missing.map(sourcePath).join(", ")}`);
  return ADDRESS_TABLE.map((row) => found.find((f) => f.row === row)!);
}

/**
 * Every resource of the source stack as a module resource block, in table order: addresses
 * from the table, references between them rewritten to those addresses (with `[0]` or
 * `[each.key]`), and the builder's additions. A reference to a resource that may not exist
 * where it is made fails the build: a module that cannot plan is never written.
 */
export function moduleResources(
  source: TerraformStack,
  additions: Readonly<Record<string, ResourceAdditions>>,
  directivesFor: (type: string, address: string) => readonly string[] = () => [],
): ModuleResource[] {
  const resources = tableResources(source);
  const byId = new Map(resources.map((r) => [`${r.resource.terraformResourceType}.${r.resource.friendlyUniqueId}`, r]));
  // Not preceded by a name character, '.' or '-', so `data.x.y` never matches a resource `x.y`.
  const reference = new RegExp(`(?<![\\w.-])(${[...byId.keys()].map(escapeRegExp).join("|")})(?=[.\\[])`, "g");

  return resources.map(({ resource, row, path }) => {
    const type = resource.terraformResourceType;
    const where = `${type}.${row.name}`;
    const rewrite = (text: string) =>
      text.replace(reference, (id: string) => {
        const target = byId.get(id)!;
        const to = referenceFrom(row, target.row, target.resource.terraformResourceType);
        if (to === undefined) throw new Error(`terraform module: ${where} refers to ${target.path}, which may not exist there`);
        return to;
      });
    const resolve = (value: unknown) => mapStrings(resolveIn(source, value), rewrite);
    const fragment = resolveIn(source, resource.toHclTerraform()) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const adds = { ...additions[where], directives: directivesFor(type, where) };
    // Arguments the builder replaces are dropped before rewriting: their references do not count.
    const kept = Object.entries(fragment.resource[type][resource.friendlyUniqueId]).map(([name, value]) => [
      name,
      name in (adds.arguments ?? {}) ? { value: null, isBlock: false } : value,
    ]);
    const body = mapStrings(Object.fromEntries(kept), rewrite) as Record<string, unknown>;
    const dependsOn = (body.depends_on as string[] | undefined)?.map((address) => {
      const target = byId.get(address);
      if (!target) throw new Error(`terraform module: ${where} depends on ${address}, which is not in the module`);
      return `${target.resource.terraformResourceType}.${target.row.name}`;
    });
    const unknown = Object.keys(adds.arguments ?? {}).filter((name) => !(name in body));
    if (unknown.length > 0) throw new Error(`terraform module: ${where} has no argument ${unknown.join(", ")} to replace`);
    const replaced = Object.fromEntries(Object.entries(adds.arguments ?? {}).map(([name, build]) => [name, build(resolve)]));
    return { row, type, path, block: resourceBlock(type, row, { ...body, depends_on: dependsOn }, replaced, adds) };
  });
}
