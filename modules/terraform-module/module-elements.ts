import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack, TerraformVariable, Tokenization } from "cdktf";

/** One top-level block of the module, with its body as cdktf resolves it for HCL. */
export interface ModuleElement {
  readonly kind: "variable" | "output" | "locals" | "data" | "resource";
  /** Resource or data source type; empty for the other kinds. */
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

type Bodies = Record<string, Record<string, unknown>>;

/** What `toHclTerraform()` of an element gives, resolved. */
interface Fragment {
  readonly variable?: Bodies;
  readonly output?: Bodies;
  readonly locals?: Bodies;
  readonly data?: Record<string, Bodies>;
  readonly resource?: Record<string, Bodies>;
}

/** A value with its tokens resolved as the stack would render them. */
export function resolveIn(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

/** `type.name` of a resource element: how Terraform expressions refer to it. */
export function addressOf(element: ModuleElement): string {
  return `${element.type}.${element.name}`;
}

function typed(kind: "data" | "resource", byType: Record<string, Bodies>): ModuleElement[] {
  return Object.entries(byType).flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => ({ kind, type, name, body })));
}

function named(kind: "variable" | "output" | "locals", byName: Bodies): ModuleElement[] {
  return Object.entries(byName).map(([name, body]) => ({ kind, type: "", name, body }));
}

/**
 * cdktf drops a variable's falsy default (false, null, 0) from its HCL fragment, which would make
 * the variable required: put it back from the variable itself.
 */
function withDefault(element: TerraformElement, fragment: Fragment): Fragment {
  if (!(element instanceof TerraformVariable) || element.default === undefined) return fragment;
  const [[name, body]] = Object.entries(fragment.variable ?? {});
  return { variable: { [name]: { default: { value: element.default, type: "any" }, ...body } } };
}

/**
 * Every element of the stack in construct order, tokens resolved. A provider, backend or
 * `terraform` block throws: a reusable module gets its provider configuration from the caller.
 */
export function moduleElements(stack: TerraformStack): ModuleElement[] {
  return stack.node
    .findAll()
    .filter(TerraformElement.isTerraformElement)
    .flatMap((element) => {
      const fragment = withDefault(element, resolveIn(stack, element.toHclTerraform()) as Fragment);
      const foreign = Object.keys(fragment).filter((key) => !["variable", "output", "locals", "data", "resource"].includes(key));
      if (foreign.length > 0) throw new Error(`terraform module: ${element.node.path} renders ${foreign.join(", ")}, which a module must not contain`);
      return [
        ...named("variable", fragment.variable ?? {}),
        ...named("output", fragment.output ?? {}),
        ...named("locals", fragment.locals ?? {}),
        ...typed("data", fragment.data ?? {}),
        ...typed("resource", fragment.resource ?? {}),
      ];
    });
}
