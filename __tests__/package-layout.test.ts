import { readdirSync, readFileSync } from "fs";
import { join, relative } from "path";

/**
 * What ships follows the folders: package.json ships modules/ (the library) and cli/ (the
 * command-line tools) whole, never tools/; every command of cli/ has a `bin`, and every `bin` is
 * a command of cli/. The jsii build takes modules/ whole (tools/jsii-build.ts), and the library's
 * index leaves nothing of modules/ to a filter.
 */

const ROOT = join(__dirname, "..");
const MANIFEST = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  files: string[];
  bin: Record<string, string>;
  main: string;
  types: string;
};

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourcesUnder(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

describe("the package's layout", () => {
  it("ships the compiled library and command-line tools whole, with no exclusion, and never the tools", () => {
    expect(MANIFEST.files).toEqual([
      "dist/modules/**/*.js",
      "dist/modules/**/*.d.ts",
      "dist/cli/**/*.js",
      "dist/cli/**/*.d.ts",
      "README.md",
      "CHANGELOG.md",
    ]);
    expect([MANIFEST.main, MANIFEST.types]).toEqual(["dist/modules/index.js", "dist/modules/index.d.ts"]);
  });

  it("has a bin for every command of cli/ (a file that runs when it is the main module), and no other", () => {
    const commands = sourcesUnder("cli").filter((file) => /^if \(require\.main === module\)/m.test(readFileSync(join(ROOT, file), "utf8")));
    expect(commands.sort()).toEqual(["cli/plan-review/cli.ts", "cli/posture-report/cli.ts"]);
    expect(
      Object.values(MANIFEST.bin)
        .map((target) => relative("dist", target).replace(/\.js$/, ".ts"))
        .sort(),
    ).toEqual(commands.sort());
    for (const command of commands) expect(readFileSync(join(ROOT, command), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("keeps the library apart: modules/ imports nothing from cli/ or tools/, cli/ nothing from tools/", () => {
    const importsOf = (file: string) =>
      [...readFileSync(join(ROOT, file), "utf8").matchAll(/from "(\.[^"]+)"/g)].map((m) => relative(ROOT, join(ROOT, file, "..", m[1])));
    const crossing = (dir: string, forbidden: string[]) =>
      sourcesUnder(dir).flatMap((file) =>
        importsOf(file)
          .filter((target) => forbidden.some((f) => target.startsWith(`${f}/`)))
          .map((target) => `${file} -> ${target}`),
      );
    expect(crossing("modules", ["cli", "tools"])).toEqual([]);
    expect(crossing("cli", ["tools"])).toEqual([]);
  });

  it("exports every top-level file of the library from its index, and nothing of modules/private/", () => {
    const index = readFileSync(join(ROOT, "modules", "index.ts"), "utf8");
    const exported = [...index.matchAll(/^export \* from "\.\/([^"]+)";$/gm)].map((m) => m[1]);
    expect(exported.filter((path) => path.startsWith("private"))).toEqual([]);
    // validation.ts holds the checks, not API; it keeps its path because the Terraform module's main.tf names it.
    const topLevel = readdirSync(join(ROOT, "modules"))
      .filter((name) => name.endsWith(".ts") && !["index.ts", "validation.ts"].includes(name))
      .map((name) => name.replace(/\.ts$/, ""));
    expect(topLevel.filter((name) => !exported.includes(name))).toEqual([]);
  });
});
