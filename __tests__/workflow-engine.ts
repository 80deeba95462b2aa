import { enginePaths, versionLines } from "../tools/engine";

/** A workflow job or step, as far as the engine set-up needs. */
interface Step {
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}

/**
 * Checks that a workflow job tests on an installed engine: the OpenTofu version and the outputs
 * named as `node dist/tools/engine.js --versions` prints them, before `npm test`; with `cached`, the
 * provider mirror cached under the provider version.
 */
export function expectInstalledEngine(
  job: { readonly env?: Record<string, string>; readonly steps: readonly Step[] },
  options: { readonly cached: boolean },
): void {
  expect(job.env).toMatchObject({ ENGINE_BINARY: "tofu", ENGINE_PROVIDER: "registry" });
  const outputs = versionLines(enginePaths())
    .split("\n")
    .map((line) => line.split("=")[0]);
  expect(outputs).toEqual(["opentofu", "aws-provider", "mirror"]);
  const at = (matches: (step: Step) => boolean) => job.steps.findIndex(matches);
  const setup = job.steps[at((s) => (s.uses ?? "").startsWith("opentofu/setup-opentofu@"))];
  expect(setup.with).toEqual({ tofu_version: "${{ steps.engine.outputs.opentofu }}", tofu_wrapper: false });
  const cache = job.steps.filter((s) => (s.uses ?? "").startsWith("actions/cache@"));
  expect(cache.map((s) => s.with)).toEqual(
    options.cached
      ? [
          {
            path: "${{ steps.engine.outputs.mirror }}",
            key: "engine-aws-provider-${{ steps.engine.outputs.aws-provider }}-${{ runner.os }}-${{ runner.arch }}",
          },
        ]
      : [],
  );
  const order = [
    at((s) => s.run === "npm ci"),
    at((s) => s.id === "engine" && s.run === 'node dist/tools/engine.js --versions >> "$GITHUB_OUTPUT"'),
    at((s) => s === setup),
    ...cache.map((step) => at((s) => s === step)),
    at((s) => s.run === "npm test"),
  ];
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
}
