/**
 * The schema of `envs/<env>/env.yaml`, and the single home of every default.
 *
 * An env file holds only what differs from these defaults; the base (`base/`) is
 * rendered from the defaults alone. Objects are strict: an unknown key is an
 * error, because a misspelt key silently falling back to a default is the
 * worst kind of configuration bug.
 */
import { z } from 'zod';
import { parseCron } from './cron.ts';
import { parseGoDuration } from './go-duration.ts';
import { DEFAULT_KUBERNETES_VERSION } from './kubernetes-version.ts';
import { isQuantity, parseQuantity } from './quantity.ts';
import { timeZoneProblem } from './time-zone.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
// An OCI repository reference without tag or digest: registry/path/name.
const IMAGE_REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
// The OCI distribution spec's tag grammar.
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
const SENSEBOX_ID = /^[a-f0-9]{24}$/;

const dnsLabel = (what: string) =>
  z.string().regex(DNS_LABEL, { error: `${what}: a DNS label (lowercase letters, digits and '-', at most 63)` });
const quantity = (what: string) =>
  z.string().refine(isQuantity, { error: `${what}: a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi` });

export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/hivebox-platform/hivebox';
/** The three senseBoxes the HiveBox specification suggests. */
export const DEFAULT_SENSEBOX_IDS = [
  '5eba5fbad46fb8001b799786',
  '5c21ff8f919bf8001adf2488',
  '5ade1acf223bd80019a1011c',
] as const;

const ImageSchema = z
  .strictObject({
    repository: z
      .string()
      .regex(IMAGE_REPOSITORY, { error: 'an image repository such as ghcr.io/org/hivebox (no tag, no digest)' })
      .default(DEFAULT_IMAGE_REPOSITORY),
    tag: z
      .string()
      .regex(IMAGE_TAG, { error: 'an image tag such as v0.6.0 (letters, digits, _ . -; at most 128)' })
      .refine((tag) => tag !== 'latest', { error: 'a pinned image tag, not "latest"' })
      .optional(),
    digest: z.string().regex(IMAGE_DIGEST, { error: 'an image digest: sha256: followed by 64 lowercase hex digits' }).optional(),
  })
  .refine((image) => image.tag !== undefined || image.digest !== undefined, {
    error: 'a tag, a digest or both',
  });

const ResourceListSchema = z.strictObject({
  cpu: quantity('cpu'),
  memory: quantity('memory'),
});

const ResourcesSchema = z
  .strictObject({
    requests: ResourceListSchema.prefault({ cpu: '100m', memory: '128Mi' }),
    limits: ResourceListSchema.prefault({ cpu: '500m', memory: '256Mi' }),
  })
  .superRefine((resources, ctx) => {
    for (const key of ['cpu', 'memory'] as const) {
      if (parseQuantity(resources.requests[key]) > parseQuantity(resources.limits[key])) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', key],
          message: `a request no larger than limits.${key} (${resources.limits[key]})`,
        });
      }
    }
  });

const ScalingSchema = z
  .strictObject({
    minReplicas: z.int().min(1).max(100).default(2),
    maxReplicas: z.int().min(1).max(100).default(4),
    targetCpuUtilization: z.int().min(10).max(100).default(70),
  })
  .refine((s) => s.minReplicas <= s.maxReplicas, {
    path: ['maxReplicas'],
    error: 'maxReplicas at least minReplicas',
  });

const IngressSchema = z.strictObject({
  host: z.string().regex(HOSTNAME, { error: 'a fully qualified lowercase hostname such as hivebox.example.com' }),
  className: dnsLabel('className').default('nginx'),
  /** A cert-manager ClusterIssuer; the platform defines letsencrypt-staging and letsencrypt-production. */
  tlsIssuer: dnsLabel('tlsIssuer').default('letsencrypt-staging'),
});

const AppSchema = z.strictObject({
  /** One port for the container, the probes, the Service and the ServiceMonitor. Unprivileged by design. */
  port: z.int().min(1024).max(65535).default(8000),
  logLevel: z.enum(['debug', 'info', 'warning', 'error']).default('info'),
  senseBoxIds: z
    .array(z.string().regex(SENSEBOX_ID, { error: 'a senseBox ID: 24 lowercase hex digits' }))
    .min(1)
    .default([...DEFAULT_SENSEBOX_IDS]),
  cacheTtlSeconds: z.int().min(1).max(86_400).default(300),
  storageIntervalSeconds: z.int().min(30).max(86_400).default(300),
});

const ValkeySchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('in-cluster'),
    storage: quantity('storage').default('1Gi'),
    storageClassName: dnsLabel('storageClassName').optional(),
  }),
  z.strictObject({
    mode: z.literal('external'),
    host: z.string().regex(HOSTNAME, { error: 'the external Valkey hostname' }),
    port: z.int().min(1).max(65535).default(6379),
  }),
]);

const MinioSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('in-cluster'),
    storage: quantity('storage').default('5Gi'),
    storageClassName: dnsLabel('storageClassName').optional(),
    bucket: dnsLabel('bucket').default('hivebox'),
  }),
  z.strictObject({
    mode: z.literal('external'),
    endpoint: z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/, { error: 'host:port of the external S3 endpoint' }),
    secure: z.boolean().default(true),
    bucket: dnsLabel('bucket').default('hivebox'),
  }),
]);

/** An instant to look for a schedule's next occurrence from, fixed so that validation is the same every day. */
const CRON_PROBE = Date.UTC(2026, 0, 1);

/** Argo CD's sync window fields, read as Argo CD reads them (src/config/cron.ts, go-duration.ts, time-zone.ts). */
const SyncWindowSchema = z.strictObject({
  kind: z.enum(['allow', 'deny']).default('allow'),
  schedule: z.string().superRefine((schedule, ctx) => {
    const parsed = parseCron(schedule);
    const expected = 'a cron schedule Argo CD accepts: five fields, minute hour day-of-month month day-of-week, such as "0 6 * * 1-4"';
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${expected} (${parsed.error})` });
    // Argo CD reads "no occurrence" as Go's zero time, which is before every instant: the window would always be open.
    else if (parsed.schedule.next(CRON_PROBE) === null) ctx.addIssue({ code: 'custom', message: `${expected} (this one never starts, and Argo CD would treat the window as always open)` });
  }),
  duration: z.string().superRefine((duration, ctx) => {
    const parsed = parseGoDuration(duration);
    const expected = 'a positive duration as Go reads it, such as 3h, 90m or 1h30m';
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: expected });
    else if (parsed.nanoseconds <= 0n) ctx.addIssue({ code: 'custom', message: `${expected} (this one is ${parsed.nanoseconds === 0n ? 'zero' : 'negative'}: the window would never be open)` });
  }),
  timeZone: z
    .string()
    .superRefine((zone, ctx) => {
      const problem = timeZoneProblem(zone);
      if (problem) ctx.addIssue({ code: 'custom', message: `an IANA time zone such as Europe/Berlin or UTC (${problem})` });
    })
    .default('UTC'),
  /**
   * Lets a person sync by hand while this window would block it. Argo CD lets a
   * manual sync through only when every window in play allows it. Use it on a
   * deny window that freezes automated syncs but not people; never on the allow
   * windows of a manually synced environment, which it would open at every hour
   * (validate reports that as sync-window-outside).
   */
  manualSync: z.boolean().default(false),
});

const SyncSchema = z.strictObject({
  mode: z.enum(['automatic', 'manual'], { error: 'automatic or manual' }).default('automatic'),
  windows: z.array(SyncWindowSchema).default([]),
});

/** Argo CD notification subscriptions: "<service>:<recipient>", e.g. "slack:hivebox-alerts". */
const Recipient = z.string().regex(/^[a-z][a-z0-9-]*:[^\s;]+$/, { error: 'a subscription "<service>:<recipient>", e.g. slack:hivebox-alerts' });
const NotificationsSchema = z.strictObject({
  onSyncFailed: z.array(Recipient).default([]),
  onHealthDegraded: z.array(Recipient).default([]),
  onDeployed: z.array(Recipient).default([]),
});

const QuotaSchema = z.strictObject({
  cpu: quantity('cpu').default('4'),
  memory: quantity('memory').default('8Gi'),
  pods: z.int().min(1).max(1000).default(30),
  storage: quantity('storage').default('50Gi'),
});

/**
 * The environment's monthly budget, in the currency OpenCost reports (its pricing's, USD by default).
 * Synth turns it into a PrometheusRule (src/constructs/budget.ts); no budget, no rule.
 */
const BudgetSchema = z.strictObject({
  /** What the namespace may cost a month. */
  monthly: z.number({ error: 'a number: the monthly budget in the currency OpenCost reports' }).positive(),
  /** The share of the budget whose projected spend raises the early warning (the second alert fires at 100 %). */
  warnAt: z.number({ error: 'a fraction of the budget such as 0.8' }).gt(0).lte(1).default(0.8),
});

/** Settings of `hivebox-gitops validate` for this environment; both default from the promotion chain (see src/validate). */
const ValidationSchema = z.strictObject({
  /** Images must be pinned by digest. Default: true for the last environment of the promotion chain (prod). */
  requireDigest: z.boolean().optional(),
  /** The environment this one must mirror (parity). Default: the one the last environment promotes from (staging) mirrors it. */
  mirrors: dnsLabel('mirrors').optional(),
});

export const EnvFileSchema = z.strictObject({
  /** The Argo CD destination cluster, by the name it is registered under. */
  cluster: dnsLabel('cluster').default('in-cluster'),
  /** Defaults to hivebox-<env>. */
  namespace: dnsLabel('namespace').optional(),
  /** The Kubernetes minor version the cluster runs; validation checks against it. */
  kubernetesVersion: z.string().regex(/^1\.\d{2}$/, { error: 'a Kubernetes minor version such as "1.31"' }).default(DEFAULT_KUBERNETES_VERSION),
  /** The environment whose image this one is promoted from (dev → staging → prod). */
  promotesFrom: dnsLabel('promotesFrom').optional(),
  image: ImageSchema.prefault({ tag: 'v0.6.0' }),
  app: AppSchema.prefault({}),
  scaling: ScalingSchema.prefault({}),
  resources: ResourcesSchema.prefault({}),
  ingress: IngressSchema,
  valkey: ValkeySchema.prefault({ mode: 'in-cluster' }),
  minio: MinioSchema.prefault({ mode: 'in-cluster' }),
  /** The External Secrets (Cluster)SecretStore credentials come from; defaults to hivebox-<env>. */
  secretStore: dnsLabel('secretStore').optional(),
  quota: QuotaSchema.prefault({}),
  sync: SyncSchema.prefault({}),
  notifications: NotificationsSchema.prefault({}),
  validation: ValidationSchema.prefault({}),
  /** A monthly budget with alerts at warnAt and at 100 % of it; absent: no budget rule. */
  budget: BudgetSchema.optional(),
});

export type EnvFile = z.output<typeof EnvFileSchema>;
export type EnvFileInput = z.input<typeof EnvFileSchema>;
