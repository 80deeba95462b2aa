import * as ts from "typescript";
import { readdirSync, readFileSync } from "fs";
import { join } from "path";
import { cell, table } from "../cli/markdown";

/**
 * Renders the props tables of README.md from the Props interfaces themselves (doc comment,
 * type, `@default`), so the tables cannot drift from the code.
 */

const ROOT = join(__dirname, "..");

export interface PropRow {
  readonly name: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly description: string;
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = flat.search(/\.(\s|$)/);
  return end === -1 ? flat : flat.slice(0, end + 1);
}

interface InterfaceInfo {
  readonly members: PropRow[];
  /** Interfaces it extends, each with the props `Omit<>` removes. */
  readonly bases: Array<{ readonly name: string; readonly omit: string[] }>;
}

function jsDocOf(node: ts.Node): ts.JSDoc | undefined {
  return ts.getJSDocCommentsAndTags(node).find(ts.isJSDoc);
}

function memberRow(member: ts.PropertySignature, file: ts.SourceFile): PropRow {
  const doc = jsDocOf(member);
  const defaultTag = doc?.tags?.find((t) => t.tagName.text === "default");
  return {
    name: member.name.getText(file),
    type: (member.type?.getText(file) ?? "unknown").replace(/\s+/g, " "),
    defaultValue: defaultTag ? (ts.getTextOfJSDocComment(defaultTag.comment) ?? "").trim() : "(required)",
    description: firstSentence(ts.getTextOfJSDocComment(doc?.comment) ?? ""),
  };
}

function baseOf(type: ts.ExpressionWithTypeArguments, file: ts.SourceFile): { name: string; omit: string[] } {
  const name = type.expression.getText(file);
  if (name !== "Omit") return { name, omit: [] };
  const [target, keys] = type.typeArguments ?? [];
  return { name: target.getText(file), omit: [...keys.getText(file).matchAll(/"(\w+)"/g)].map((m) => m[1]) };
}

/** Interfaces of modules/, read syntactically: fast, and our Props only extend our own interfaces. */
function readInterfaces(): Map<string, InterfaceInfo> {
  const interfaces = new Map<string, InterfaceInfo>();
  const dir = join(ROOT, "modules");
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const file = ts.createSourceFile(name, readFileSync(join(dir, name), "utf8"), ts.ScriptTarget.ES2022, true);
    ts.forEachChild(file, (node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      interfaces.set(node.name.text, {
        members: node.members.filter(ts.isPropertySignature).map((m) => memberRow(m, file)),
        bases: (node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => baseOf(t, file))),
      });
    });
  }
  return interfaces;
}

function resolve(name: string, interfaces: Map<string, InterfaceInfo>): PropRow[] {
  const info = interfaces.get(name);
  if (!info) throw new Error(`interface ${name} not found in modules/`);
  const inherited = info.bases.flatMap((base) => resolve(base.name, interfaces).filter((row) => !base.omit.includes(row.name)));
  const own = new Set(info.members.map((m) => m.name));
  return [...info.members, ...inherited.filter((row) => !own.has(row.name))];
}

/** Every property of each named interface, own ones first, then inherited ones. */
export function propRows(interfaceNames: readonly string[]): Record<string, PropRow[]> {
  const interfaces = readInterfaces();
  return Object.fromEntries(interfaceNames.map((name) => [name, resolve(name, interfaces)]));
}

export function renderTable(rows: readonly PropRow[]): string {
  return table(
    ["prop", "type", "default", "meaning"],
    rows.map((row) => [`\`${row.name}\``, cell(`\`${row.type}\``), cell(row.defaultValue), cell(row.description)]),
  );
}

const MARKER = /<!-- props:(\w+)(?: beyond (\w+))? -->\n[\s\S]*?<!-- \/props -->/g;

/**
 * README with every `<!-- props:Name -->...<!-- /props -->` block regenerated; `props:Name beyond
 * Base` lists only the props Name adds to Base.
 */
export function renderReadme(readme: string): string {
  const names = [...readme.matchAll(MARKER)].flatMap((m) => [m[1], ...(m[2] ? [m[2]] : [])]);
  const rows = propRows(names);
  return readme.replace(MARKER, (_all, name: string, base: string | undefined) => {
    const inherited = new Set((base ? rows[base] : []).map((row) => row.name));
    const own = rows[name].filter((row) => !inherited.has(row.name));
    return `<!-- props:${name}${base ? ` beyond ${base}` : ""} -->\n${renderTable(own)}\n<!-- /props -->`;
  });
}
