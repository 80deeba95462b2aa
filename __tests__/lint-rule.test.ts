import { spawnSync } from "child_process";
import { join } from "path";

const ROOT = join(__dirname, "..");
const BARRELS = ["@cdktf/provider-aws", "@cdktf/provider-aws/lib", "@cdktf/provider-aws/lib/index", "@cdktf/provider-aws/lib/index.js"];
const DEEP = "@cdktf/provider-aws/lib/kms-key";

/** Lints one probe file (one import a line) with the project's config; returns the lines the rule flags. */
function flaggedLines(imports: string[]): number[] {
  const source =
    imports.map((path, i) => `import * as m${i} from "${path}";`).join("\n") + `\nexport default [${imports.map((_, i) => `m${i}`).join(", ")}];\n`;
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/eslint/bin/eslint.js"), "--stdin", "--stdin-filename", "modules/probe.ts", "--format", "json"],
    { cwd: ROOT, input: source, encoding: "utf8" },
  );
  const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string; line: number }> }>;
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.line);
}

describe("deep-import lint rule", () => {
  it("refuses every form of the provider barrel and allows a deep import", () => {
    expect(flaggedLines([...BARRELS, DEEP])).toEqual([1, 2, 3, 4]);
  });
});
