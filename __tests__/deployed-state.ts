import { tofuOkAsync } from "./engine";
import { SynthJson } from "./helpers";

/**
 * What an apply left: the state's resources by address, and the synthesized configuration with
 * its references (`${aws_s3_bucket.X.arn}`) replaced by the values the apply gave them, so what
 * the emulator holds can be compared with what we synthesized, not with what the provider read.
 * A configuration written in HCL (the Terraform module's examples) has no synthesized JSON:
 * `plannedConfiguration` gives its equivalent, each resource instance under its full address.
 */

export interface StateResource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
}

export interface DeployedState {
  /** Every resource instance (data sources too), those of called modules included, by its full address. */
  readonly resources: Map<string, StateResource>;
  /** The value of `<address>.attribute` (`type.name.attribute`) in the state; throws when absent. */
  attribute(reference: string): unknown;
  /** A configuration value with every `${type.name.attribute}` reference replaced by its state value. */
  resolve<T>(value: T): T;
  /** Each synthesized resource of a type, its configuration resolved: `[address, config]`. */
  configured(json: SynthJson, type: string): [string, Record<string, unknown>][];
}

const REFERENCE_TEXT = "\\$\\{([a-z0-9_]+\\.[A-Za-z0-9_-]+\\.[a-z0-9_]+)\\}";
/** A string that is one reference: its value keeps its type (a list stays a list). */
const WHOLE_REFERENCE = new RegExp(`^${REFERENCE_TEXT}$`);
const REFERENCES = new RegExp(REFERENCE_TEXT, "g");

/** A module as `tofu show -json` prints it (a plan's planned values). */
interface ShownModule {
  readonly resources?: StateResource[];
  readonly child_modules?: ShownModule[];
}

/** The resources of a module and of every module it calls. */
function resourcesOf(module: ShownModule | undefined): StateResource[] {
  return [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(resourcesOf)];
}

/** A resource's address: a synthesized resource's `type.name`; plannedConfiguration names each by its full address already. */
function addressOf(type: string, name: string): string {
  return name.includes(".") ? name : `${type}.${name}`;
}

/** A resource as the state file (format version 4) holds it: each instance's attributes as JSON. */
interface StateFileResource {
  readonly module?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly instances: { readonly index_key?: string | number; readonly attributes: Record<string, unknown> }[];
}

/**
 * Each resource instance of a state file under the address `tofu show -json` gives it
 * (`module.m.aws_s3_bucket.output["models"]`), its values the stored attributes. Read with
 * `tofu state pull`, which needs no provider schema, where `show -json` loads the provider.
 */
function stateResources(state: { readonly resources?: StateFileResource[] }): StateResource[] {
  return (state.resources ?? []).flatMap((r) =>
    r.instances.map((instance) => {
      const key = instance.index_key === undefined ? "" : `[${JSON.stringify(instance.index_key)}]`;
      const address = `${r.module ? `${r.module}.` : ""}${r.mode === "data" ? "data." : ""}${r.type}.${r.name}${key}`;
      return { address, mode: r.mode, type: r.type, name: r.name, values: instance.attributes };
    }),
  );
}

export async function deployedState(dir: string): Promise<DeployedState> {
  const state = JSON.parse(await tofuOkAsync(dir, ["state", "pull"])) as { resources?: StateFileResource[] };
  const resources = new Map(stateResources(state).map((r) => [r.address, r]));
  const attribute = (reference: string): unknown => {
    const dot = reference.lastIndexOf(".");
    const key = reference.slice(dot + 1);
    const resource = resources.get(reference.slice(0, dot));
    if (!resource || !(key in resource.values)) throw new Error(`no ${reference} in the state (resources: ${[...resources.keys()].join(", ")})`);
    return resource.values[key];
  };
  const resolve = <T>(value: T): T => {
    if (typeof value === "string") {
      const whole = WHOLE_REFERENCE.exec(value);
      if (whole) return attribute(whole[1]) as T;
      const replaced = value.replace(REFERENCES, (_match, reference: string) => String(attribute(reference)));
      if (replaced.includes("${")) throw new Error(`an expression the state cannot resolve: ${replaced}`);
      return replaced as T;
    }
    if (Array.isArray(value)) return value.map(resolve) as T;
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)])) as T;
    return value;
  };
  return {
    resources,
    attribute,
    resolve,
    configured: (json, type) => Object.entries(json.resource?.[type] ?? {}).map(([name, config]) => [addressOf(type, name), resolve(config)]),
  };
}

/** A value without what a configuration leaves out, which a plan shows as null or an empty list of blocks. */
function withoutUnset(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUnset);
  if (value === null || typeof value !== "object") return value;
  const set = Object.entries(value).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0));
  return Object.fromEntries(set.map(([k, v]) => [k, withoutUnset(v)]));
}

/**
 * A configuration as a saved plan (`tofu plan -out=<planFile>` in `dir`) evaluated it, in the shape
 * of synthesized JSON: each managed resource instance under its full address
 * (`module.m.aws_s3_bucket.output["models"]`), its arguments the planned values (the configuration
 * with references resolved against the state), unset ones left out as synthesized JSON leaves them.
 */
export async function plannedConfiguration(dir: string, planFile: string): Promise<SynthJson> {
  const shown = JSON.parse(await tofuOkAsync(dir, ["show", "-json", planFile])) as { planned_values?: { root_module?: ShownModule } };
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const r of resourcesOf(shown.planned_values?.root_module).filter((r) => r.mode === "managed")) {
    (resource[r.type] ??= {})[r.address] = withoutUnset(r.values) as Record<string, unknown>;
  }
  return { resource };
}
