import { readFileSync } from "fs";
import { join } from "path";

/** What README.md tells each flavour's users: the install command and the quick start. */

const README = readFileSync(join(__dirname, "..", "README.md"), "utf8");

function codeBlocks(lang: string): string[] {
  return [...README.matchAll(new RegExp("^```" + lang + "\\n([\\s\\S]*?)^```$", "gm"))].map((m) => m[1]);
}

function only<T>(found: T[], what: string): T {
  if (found.length !== 1) throw new Error(`README.md: expected one ${what}, found ${found.length}`);
  return found[0];
}

/** The packages of the README's `npm install <packageName> ...` line, as name -> range (the package itself: ""). */
export function installCommand(packageName: string): Record<string, string> {
  const line = only(
    codeBlocks("sh").flatMap((block) => block.split("\n").filter((l) => l.startsWith(`npm install ${packageName} `))),
    `"npm install ${packageName}" line`,
  );
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(2);
  return Object.fromEntries(
    words.map((word) => {
      const at = word.indexOf("@", 1);
      return at < 0 ? [word, ""] : [word.slice(0, at), word.slice(at + 1)];
    }),
  );
}

/** The README's TypeScript quick start that imports the package. */
export function quickStart(packageName: string): string {
  return only(
    codeBlocks("ts").filter((block) => block.includes(`from "${packageName}";`) && block.includes("app.synth()")),
    `quick start importing ${packageName}`,
  );
}

/** The rows of the table between `<!-- name -->` and `<!-- /name -->`, as arrays of cells. */
export function table(name: string): string[][] {
  const match = new RegExp(`<!-- ${name} -->\\n([\\s\\S]*?)<!-- /${name} -->`).exec(README);
  if (!match) throw new Error(`README.md: no <!-- ${name} --> table`);
  return match[1]
    .trim()
    .split("\n")
    .map((row) =>
      row
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** The text under the heading `## <title>`, up to the next `## ` heading. */
export function section(title: string): string {
  const start = README.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md: no section "## ${title}"`);
  const body = README.slice(start + title.length + 5);
  const end = body.indexOf("\n## ");
  return end < 0 ? body : body.slice(0, end + 1);
}
