import { readFileSync } from "fs";
import { join } from "path";
import { LAUNCHER } from "../tools/emulator";

// README.md and docs/engine.md name the launcher's patches (what the emulator corrects in moto, so
// what a user's deploy on it does not prove about moto): each list is exactly the launcher's.

const ROOT = join(__dirname, "..");

/** The patches tools/emulator/launcher.py registers, in its order. */
const patches = [...readFileSync(LAUNCHER, "utf8").matchAll(/^@patch\("([\w-]+)"\)$/gm)].map((m) => m[1]);

/** The text between `<!-- emulator-patches -->` and its closing marker. */
function listed(file: string): string {
  const match = /<!-- emulator-patches -->\n([\s\S]*?)<!-- \/emulator-patches -->/.exec(readFileSync(join(ROOT, file), "utf8"));
  if (!match) throw new Error(`${file}: no <!-- emulator-patches --> section`);
  return match[1];
}

describe("the emulator's patches as the docs list them", () => {
  it("are read from the launcher", () => {
    expect(patches.length).toBeGreaterThan(0);
  });

  it("README.md names each, in the launcher's order", () => {
    expect([...listed("README.md").matchAll(/`([\w-]+)`/g)].map((m) => m[1])).toEqual(patches);
  });

  it("docs/engine.md has a row for each, in the launcher's order, with the moto source and the gap", () => {
    const rows = listed("docs/engine.md")
      .split("\n")
      .filter((row) => /^\| `/.test(row));
    expect(rows.map((row) => /^\| `([\w-]+)` \|/.exec(row)?.[1])).toEqual(patches);
    for (const row of rows) expect(row.split(" | ").map((cell) => cell.trim().length > 0)).toEqual([true, true, true]);
  });
});
