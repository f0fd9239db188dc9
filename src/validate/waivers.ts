/**
 * The rules about waivers themselves, which the engine applies (engine.ts): an annotation waiver must
 * name a rule and give a reason, an env.yaml waiver must not be past its date, and one that matches
 * nothing is reported so that it can go.
 */
import { rule, type Rules } from './check.ts';

export const waiverRules: Rules = {
  rules: [
    rule(
      'waiver-invalid',
      'waiver',
      'A waiver names a known rule and gives a reason',
      'Write the annotation as hivebox.dev/waive.<rule-id>: "<why this resource is an exception>".',
    ),
    rule(
      'waiver-expired',
      'waiver',
      'Every env.yaml waiver is before its expiry date',
      'Fix what the waiver excused and delete the waiver, or, reviewed again, move its expires: to a later date.',
    ),
    rule(
      'waiver-unused',
      'waiver',
      'Every env.yaml waiver matches a finding (reported as a warning, never failing a run)',
      'Delete the waiver, or fix its rule or resource (Kind/name).',
      'warning',
    ),
  ],
};
