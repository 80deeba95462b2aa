import { PolicyDocument } from "./policy-document";

/**
 * Rewrites each Terraform interpolation `${...}` of a text with `replace`, braces balanced:
 * expressions may hold quotes, colons and nested braces.
 */
export function mapInterpolations(text: string, replace: (interpolation: string) => string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "{") {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === "{") depth++;
        else if (text[j] === "}" && --depth === 0) break;
      }
      out += replace(text.slice(i, j + 1));
      i = j;
    } else {
      out += text[i];
    }
  }
  return out;
}

/**
 * Parses a policy as synthesized: JSON in which Terraform interpolations `${...}` may hold
 * expressions with unescaped quotes (`${element(split(":", var.role), 4)}`). Terraform
 * evaluates those before the JSON is read; here they are kept as plain strings.
 */
export function parsePolicyTemplate(text: string): PolicyDocument {
  return JSON.parse(mapInterpolations(text, (interpolation) => interpolation.replace(/\\?"/g, '\\"'))) as PolicyDocument;
}
