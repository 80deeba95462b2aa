import * as fs from "fs";
import * as path from "path";
import { buildModuleFiles } from "./module-files";

/** Replaces `outDir` with the module's files; touches nothing else. */
export function writeModule(outDir: string, files: Record<string, string> = buildModuleFiles()): string[] {
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const [relative, text] of Object.entries(files)) {
    const target = path.join(outDir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  return Object.keys(files);
}

if (require.main === module) {
  const outDir = process.argv[2] ?? path.join("dist", "terraform-module");
  const written = writeModule(outDir);
  process.stdout.write(`wrote ${written.length} files to ${outDir}: ${written.join(", ")}\n`);
}
