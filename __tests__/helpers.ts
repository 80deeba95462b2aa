import { Testing } from "cdktf";
import { Construct } from "constructs";
import { parsePolicyTemplate } from "../modules/policies/parse-policy";
import { PolicyDocument, PolicyStatement } from "../modules/policies/policy-document";

export type SynthJson = { resource?: Record<string, Record<string, Record<string, unknown>>>; [key: string]: unknown };

/** Synthesizes what `build` adds to a fresh test stack; returns the JSON string and its parse. */
export function synth(build: (scope: Construct) => void): { text: string; json: SynthJson } {
  const text = Testing.synthScope(build);
  return { text, json: JSON.parse(text) as SynthJson };
}

/** All resources of one type, keyed by logical ID. */
export function resourcesOf(json: SynthJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: SynthJson, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

export function parsePolicy(value: unknown): PolicyDocument {
  if (typeof value !== "string") throw new Error(`policy is not a string: ${JSON.stringify(value)}`);
  return parsePolicyTemplate(value);
}

export function statement(doc: PolicyDocument, sid: string): PolicyStatement {
  const found = doc.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${doc.Statement.map((s) => s.Sid).join(", ")}`);
  return found;
}

export function sids(doc: PolicyDocument): string[] {
  return doc.Statement.map((s) => s.Sid);
}
