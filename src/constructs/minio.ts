/**
 * MinIO, HiveBox's S3-compatible storage, with a Job that creates the bucket.
 * Its root credentials are the same Secret HiveBox uses (written by External
 * Secrets), so there is exactly one credential to rotate.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { componentLabels, selectorLabels, SyncWave, syncWave } from './metadata.ts';
import { APP_USER, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';
import { StatefulStore } from './stateful-store.ts';

export const MINIO = 'minio';
export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;
export const BUCKET_JOB = 'minio-bucket';

export interface MinioProps {
  readonly storage: string;
  /** @default the cluster's default StorageClass */
  readonly storageClassName?: string;
  readonly bucket: string;
  readonly credentialsSecretName: string;
  /** Labels for the pods only (not selectors), e.g. the environment for log collection. @default none */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Keep the volume when the StatefulSet goes, and delete only after a person confirms. @default false */
  readonly protectData?: boolean;
  /**
   * @default the last MinIO community release published as an image (MinIO stopped publishing community
   * images in late 2025), pinned by digest
   */
  readonly image?: string;
  /** @default the matching mc client release, pinned by digest */
  readonly clientImage?: string;
}

export class Minio extends Construct {
  readonly endpoint = `${MINIO}:${MINIO_API_PORT}`;
  readonly port = MINIO_API_PORT;
  /** The labels MinIO's pods are selected by. */
  readonly selector: Readonly<Record<string, string>>;
  /** The bucket Job's pods, the only other client of MinIO. */
  readonly bucketJob = { selector: selectorLabels(BUCKET_JOB) } as const;

  constructor(scope: Construct, id: string, props: MinioProps) {
    super(scope, id);
    const secretEnv = (name: string, key: string): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: props.credentialsSecretName, key } },
    });

    this.selector = new StatefulStore(this, 'Store', {
      name: MINIO,
      role: 'storage',
      user: APP_USER,
      image:
        props.image ??
        'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e',
      // MinIO writes its certificate directory under $HOME by default; the root filesystem is read-only.
      args: [
        'server',
        '/data',
        '--address',
        `:${MINIO_API_PORT}`,
        '--console-address',
        `:${MINIO_CONSOLE_PORT}`,
        '--certs-dir',
        '/tmp/certs',
      ],
      ports: [
        { name: 's3', port: MINIO_API_PORT },
        { name: 'console', port: MINIO_CONSOLE_PORT },
      ],
      dataPath: '/data',
      scratchPaths: ['/tmp'],
      storage: props.storage,
      storageClassName: props.storageClassName,
      podLabels: props.podLabels,
      protectData: props.protectData,
      env: [secretEnv('MINIO_ROOT_USER', 'MINIO_ACCESS_KEY'), secretEnv('MINIO_ROOT_PASSWORD', 'MINIO_SECRET_KEY')],
      readinessProbe: { httpGet: { path: '/minio/health/ready', port: k8s.IntOrString.fromString('s3') }, periodSeconds: 10 },
      livenessProbe: {
        httpGet: { path: '/minio/health/live', port: k8s.IntOrString.fromString('s3') },
        periodSeconds: 20,
        failureThreshold: 6,
      },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
    }).selector;

    new k8s.KubeJob(this, 'BucketJob', {
      metadata: {
        name: BUCKET_JOB,
        labels: componentLabels(BUCKET_JOB, 'storage-setup'),
        annotations: {
          ...syncWave(SyncWave.DataSetup),
          // A hook, so Argo CD re-runs it on every sync instead of fighting the Job's immutable template.
          'argocd.argoproj.io/hook': 'Sync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
        },
      },
      spec: {
        backoffLimit: 6,
        ttlSecondsAfterFinished: 600,
        template: {
          metadata: { labels: { ...componentLabels(BUCKET_JOB, 'storage-setup'), ...props.podLabels } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(APP_USER),
            containers: [
              {
                name: 'mc',
                image:
                  props.clientImage ??
                  'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z@sha256:a7fe349ef4bd8521fb8497f55c6042871b2ae640607cf99d9bede5e9bdf11727',
                imagePullPolicy: 'IfNotPresent',
                // mc reads the alias from MC_HOST_<alias>; Kubernetes expands $(VAR) from the variables above it.
                args: ['--config-dir', '/tmp/mc', 'mb', '--ignore-existing', `local/${props.bucket}`],
                env: [
                  secretEnv('MINIO_ACCESS_KEY', 'MINIO_ACCESS_KEY'),
                  secretEnv('MINIO_SECRET_KEY', 'MINIO_SECRET_KEY'),
                  { name: 'MC_HOST_local', value: `http://$(MINIO_ACCESS_KEY):$(MINIO_SECRET_KEY)@${MINIO}:${MINIO_API_PORT}` },
                ],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                  limits: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
                },
                securityContext: restrictedContainerSecurityContext(APP_USER),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  }
}
