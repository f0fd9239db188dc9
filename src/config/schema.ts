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
import { dnsLabel, dnsName, dnsSubdomain, hostName, isDns1123Subdomain } from './kubernetes-names.ts';
import { compareQuantities, isPositive, parseQuantity } from './quantity.ts';
import { timeZoneProblem } from './time-zone.ts';
import { SCHEMA_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../schemas/coverage.ts';
import { WaiverSchema } from './waivers.ts';
import { DIGEST_PATTERN, isImageRepository, QUALIFIED_REPOSITORY_PATTERN, TAG_PATTERN } from '../kube/image.ts';

// Image grammar (Docker distribution's reference) from the kernel; the patterns also go into env.schema.json.
const IMAGE_REPOSITORY = new RegExp(QUALIFIED_REPOSITORY_PATTERN);
const IMAGE_TAG = new RegExp(TAG_PATTERN);
const IMAGE_DIGEST = new RegExp(DIGEST_PATTERN);
const SENSEBOX_ID = /^[a-f0-9]{24}$/;

/**
 * A quantity as Kubernetes reads it (src/config/quantity.ts), and more than zero: none of these may be empty.
 * Unquoted, YAML reads `2` or `100e9` as a number; Kubernetes takes a number for a quantity too (its JSON form,
 * which Go writes as JavaScript does), so a number is read as that text, unless it lost digits on the way.
 */
const quantity = (what: string) => {
  const expected = `${what}: a Kubernetes quantity greater than zero, such as 250m, 1, 512Mi, 1Gi or 100e9`;
  return z
    .union([z.string(), z.number()], { error: expected })
    .transform((value, ctx) => {
      if (typeof value === 'string') return value;
      if (!Number.isInteger(value) || Number.isSafeInteger(value)) return String(value);
      ctx.addIssue({ code: 'custom', message: `${expected}: write a number this large in quotes, YAML keeps only 15 digits of it` });
      return z.NEVER;
    })
    .pipe(
      z.string().superRefine((text, ctx) => {
        const parsed = parseQuantity(text);
        if (parsed === undefined) ctx.addIssue({ code: 'custom', message: expected });
        else if (!isPositive(parsed))
          ctx.addIssue({ code: 'custom', message: `${expected} (this one is ${parsed.digits === 0n ? 'zero' : 'negative'})` });
      }),
    );
};
/** A port a TCP client can connect to. */
const port = () => z.int().min(1).max(65_535);
/** host:port, the host a DNS name (a Service's too) or an IPv4 address, the port one a client can connect to. */
function isHostAndPort(endpoint: string): boolean {
  const match = /^(.+):(\d{1,5})$/.exec(endpoint);
  return match !== null && isDns1123Subdomain(match[1]!) && port().safeParse(Number(match[2])).success;
}

export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/hivebox-platform/hivebox';
/** The three senseBoxes the HiveBox specification suggests. */
export const DEFAULT_SENSEBOX_IDS = ['5eba5fbad46fb8001b799786', '5c21ff8f919bf8001adf2488', '5ade1acf223bd80019a1011c'] as const;

const ImageSchema = z
  .strictObject({
    repository: z
      .string()
      .regex(IMAGE_REPOSITORY, { error: 'an image repository such as ghcr.io/org/hivebox (no tag, no digest)' })
      // The pattern cannot say reference.go's length limit; the parser does (only when the pattern passed: one message).
      .refine((name) => !IMAGE_REPOSITORY.test(name) || isImageRepository(name), {
        error: 'an image repository whose path is at most 255 characters',
      })
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
      const [request, limit] = [parseQuantity(resources.requests[key]), parseQuantity(resources.limits[key])];
      if (request && limit && compareQuantities(request, limit) > 0) {
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

/** A Gateway API Duration (GEP-2257), as the HTTPRoute CRD's pattern accepts it: 1 to 4 of <1-5 digits><h|m|s|ms>. */
const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/**
 * How traffic reaches the environment: an HTTPRoute on the cluster's shared Gateway (src/platform/gateway.ts).
 * Was `ingress` (host, className, tlsIssuer) while ingress-nginx served it; load.ts explains the rename.
 */
const RouteSchema = z.strictObject({
  host: dnsName('host'),
  /** A cert-manager ClusterIssuer; the platform defines letsencrypt-staging and letsencrypt-production. */
  tlsIssuer: dnsLabel('tlsIssuer').default('letsencrypt-staging'),
  /** The HTTPRoute rule's timeouts.request: how long the Gateway waits for HiveBox's whole response. */
  requestTimeout: z.string().regex(GATEWAY_DURATION, { error: 'a Gateway API duration such as 10s, 500ms or 1m30s' }).default('15s'),
});

/** The key `route` replaced, and what to tell whoever still writes it (load.ts). */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  ingress:
    'route instead: HiveBox moved from ingress-nginx to the Gateway API, so `ingress:` became `route:` (host and tlsIssuer keep their names; drop className, the cluster has one shared Gateway); docs/runbooks/migrate-from-ingress-nginx.md',
};

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
    storage: quantity('storage').prefault('1Gi'),
    storageClassName: dnsSubdomain('storageClassName').optional(),
  }),
  z.strictObject({
    mode: z.literal('external'),
    host: hostName('the external Valkey hostname'),
    port: port().default(6379),
  }),
]);

const S3_ENDPOINT = 'host:port of the external S3 endpoint (a DNS name or an IPv4 address, a port from 1 to 65535)';
const MinioSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('in-cluster'),
    storage: quantity('storage').prefault('5Gi'),
    storageClassName: dnsSubdomain('storageClassName').optional(),
    bucket: dnsLabel('bucket').default('hivebox'),
  }),
  z.strictObject({
    mode: z.literal('external'),
    endpoint: z
      .string()
      .regex(/^[a-z0-9.-]+:\d{1,5}$/, { error: S3_ENDPOINT })
      .refine(isHostAndPort, { error: S3_ENDPOINT }),
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
    else if (parsed.schedule.next(CRON_PROBE) === null)
      ctx.addIssue({ code: 'custom', message: `${expected} (this one never starts, and Argo CD would treat the window as always open)` });
  }),
  duration: z.string().superRefine((duration, ctx) => {
    const parsed = parseGoDuration(duration);
    const expected = 'a positive duration as Go reads it, such as 3h, 90m or 1h30m';
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: expected });
    else if (parsed.nanoseconds <= 0n)
      ctx.addIssue({
        code: 'custom',
        message: `${expected} (this one is ${parsed.nanoseconds === 0n ? 'zero' : 'negative'}: the window would never be open)`,
      });
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

/**
 * Argo CD notification subscriptions: "<service>:<recipient>", e.g. "slack:hivebox-alerts". Synth writes them as
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;...` (src/argocd/applications.ts), and
 * notifications-engine splits that key on '.' and the value on ';' (pkg/subscriptions/annotations.go). So the
 * service is a DNS label short enough for the key's name to stay within Kubernetes' 63 characters with the longest
 * trigger, on-health-degraded (at most 34), and a recipient is visible ASCII without ';'.
 */
const Recipient = z.string().regex(/^[a-z]([-a-z0-9]{0,32}[a-z0-9])?:[!-:<-~]+$/, {
  error:
    "a subscription \"<service>:<recipient>\", e.g. slack:hivebox-alerts (service: lowercase letters, digits and '-', at most 34; recipient: visible ASCII characters except ';')",
});
const NotificationsSchema = z.strictObject({
  onSyncFailed: z.array(Recipient).default([]),
  onHealthDegraded: z.array(Recipient).default([]),
  onDeployed: z.array(Recipient).default([]),
});

const QuotaSchema = z.strictObject({
  cpu: quantity('cpu').prefault('4'),
  memory: quantity('memory').prefault('8Gi'),
  pods: z.int().min(1).max(1000).default(30),
  storage: quantity('storage').prefault('50Gi'),
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
  /** The environment this one must mirror (parity). Default: the one it promotes to, if that is its only one and the end of its chain (staging mirrors prod). */
  mirrors: dnsLabel('mirrors').optional(),
});

export const EnvFileSchema = z.strictObject({
  /** The Argo CD destination cluster, by the name it is registered under. */
  cluster: dnsLabel('cluster').default('in-cluster'),
  /** Defaults to hivebox-<env>. */
  namespace: dnsLabel('namespace').optional(),
  /** The Kubernetes minor version the cluster runs; validation checks against it. */
  kubernetesVersion: z
    .string()
    .regex(new RegExp(`^(${SUPPORTED_KUBERNETES_VERSIONS.map((v) => v.replace('.', '\\.')).join('|')})$`), {
      error: `a Kubernetes minor version from ${SUPPORTED_KUBERNETES_VERSIONS[0]} to ${SUPPORTED_KUBERNETES_VERSIONS.at(-1)}, the range the vendored schemas (Kubernetes ${SCHEMA_KUBERNETES_VERSION}) and API deprecation table cover`,
    })
    .default(DEFAULT_KUBERNETES_VERSION),
  /** The environment whose image this one is promoted from (dev → staging → prod). */
  promotesFrom: dnsLabel('promotesFrom').optional(),
  image: ImageSchema.prefault({ tag: 'v0.6.0' }),
  app: AppSchema.prefault({}),
  scaling: ScalingSchema.prefault({}),
  resources: ResourcesSchema.prefault({}),
  route: RouteSchema,
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
  /** Exceptions to validate's rules, each with a reason and an expiry date (src/config/waivers.ts). */
  waivers: z.array(WaiverSchema).default([]),
});

export type EnvFile = z.output<typeof EnvFileSchema>;
export type EnvFileInput = z.input<typeof EnvFileSchema>;
