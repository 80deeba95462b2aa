import { RULES, RuleId, Severity } from "./rules";

/** What a check found on one bucket or key, before it is placed in a stack. */
export interface Issue {
  readonly rule: RuleId;
  /** What is wrong, naming the setting and its value. */
  readonly message: string;
  /** The value is a Terraform expression known only at plan time: reported as a warning, never passed. */
  readonly unchecked?: boolean;
}

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly stack: string;
  /** Terraform address of the bucket or key, `type.name`. */
  readonly address: string;
  readonly constructPath: string;
  readonly message: string;
  readonly fix: string;
  /** Set when suppressed: the reason given. Suppressed findings never fail synth. */
  readonly suppressedBecause?: string;
}

const UNCHECKED_FIX = "The value is only known at plan time: check it in the plan, then suppress this finding with the reason.";

export function issue(rule: RuleId, message: string): Issue {
  return { rule, message };
}

export function unchecked(rule: RuleId, message: string): Issue {
  return { rule, message: `cannot be checked at synth: ${message}`, unchecked: true };
}

export function toFinding(subject: { stack: string; address: string; constructPath: string }, found: Issue, suppressedBecause?: string): Finding {
  const rule = RULES[found.rule];
  return {
    rule: found.rule,
    severity: found.unchecked ? "warning" : rule.severity,
    ...subject,
    message: found.message,
    fix: found.unchecked ? `${rule.fix} ${UNCHECKED_FIX}` : rule.fix,
    ...(suppressedBecause !== undefined ? { suppressedBecause } : {}),
  };
}
