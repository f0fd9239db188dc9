/**
 * `waivers:` in env.yaml: an exception to one validate rule, on one resource
 * (Kind/name) or the whole environment, with its reason, until a date. The
 * resources are generated, so this is where an environment's exceptions are
 * written; the annotation hivebox.dev/waive.<rule> stays for custom resources.
 */
import { z } from 'zod';

export const WaiverSchema = z.strictObject({
  /**
   * The validate rule it waives (README, Validate). Only its shape is checked here: validate, which
   * owns the rules, refuses one it does not have (validate/rules.ts, checkWaivedRules).
   */
  rule: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    error: 'a rule id of hivebox-gitops validate, such as parity or service-account-token (README, Validate)',
  }),
  /** Kind/name of the generated resource, e.g. Deployment/hivebox; absent: every resource of the environment. */
  resource: z
    .string()
    .regex(/^[A-Z][A-Za-z0-9]*\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'a resource as Kind/name, such as Deployment/hivebox' })
    .optional(),
  /** Why this environment is an exception; printed with every finding it waives. */
  reason: z
    .string()
    .trim()
    .refine((reason) => reason.length > 0, { error: 'a reason: why this is an exception' }),
  /** The last day it applies (UTC); after it, the waiver is a finding of its own. */
  expires: z.iso.date({ error: 'an ISO date such as 2026-12-31: the last day the waiver applies' }),
});

export type WaiverSetting = z.output<typeof WaiverSchema>;
