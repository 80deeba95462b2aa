import * as fs from "fs";
import * as path from "path";
import { buildModel } from "../tools/terraform-module/module-files";
import { addressTable } from "../tools/terraform-module/readme";

// docs/terraform-module.md shows the address table the builder uses; this test fails when the
// copy drifts. `UPDATE_README=1 npx jest __tests__/terraform-module-docs.test.ts` rewrites it.

const DOC = path.join(__dirname, "..", "docs", "terraform-module.md");
const START = "<!-- addresses -->\n";
const END = "<!-- /addresses -->";

describe("docs/terraform-module.md", () => {
  it("shows the module's address table", () => {
    const text = fs.readFileSync(DOC, "utf8");
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${addressTable(buildModel().main.resources)}\n`;
    if (process.env.UPDATE_README === "1") {
      fs.writeFileSync(DOC, text.slice(0, start + START.length) + expected + text.slice(end));
      return;
    }
    expect(text.slice(start + START.length, end)).toBe(expected);
  });
});
