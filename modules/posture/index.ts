export { EncryptionPosture, annotationMessage } from "./encryption-posture";
export { analyzeStack } from "./analyze";
export type { StackPosture } from "./analyze";
export type { Finding } from "./findings";
export { RULES } from "./rules";
export type { Rule, RuleId, Severity } from "./rules";
export type { Suppression } from "./suppressions";
export { buildReport } from "../../cli/posture-report/report";
