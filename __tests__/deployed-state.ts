import { tofuOkAsync } from "./engine";
import { SynthJson } from "./helpers";

/**
 * What an apply left: the state's resources by address, and the synthesized configuration with
 * its references (`${aws_s3_bucket.X.arn}`) replaced by the values the apply gave them, so what
 * the emulator holds can be compared with what we synthesized, not with what the provider read.
 */

export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly values: Record<string, unknown>;
}

export interface DeployedState {
  readonly resources: Map<string, StateResource>;
  /** The value of `type.name.attribute` in the state; throws when absent. */
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

export async function deployedState(dir: string): Promise<DeployedState> {
  const shown = JSON.parse(await tofuOkAsync(dir, ["show", "-json"])) as { values?: { root_module?: { resources?: StateResource[] } } };
  const resources = new Map((shown.values?.root_module?.resources ?? []).map((r) => [r.address, r]));
  const attribute = (reference: string): unknown => {
    const [type, name, key] = reference.split(".");
    const resource = resources.get(`${type}.${name}`);
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
    configured: (json, type) => Object.entries(json.resource?.[type] ?? {}).map(([name, config]) => [`${type}.${name}`, resolve(config)]),
  };
}
