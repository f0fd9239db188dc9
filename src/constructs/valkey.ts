/**
 * Valkey, HiveBox's cache, in the environment's namespace. Only HiveBox's
 * pods may reach it (see network-policies.ts), which is why it runs without a
 * password: the cache holds public openSenseMap readings only.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { StatefulStore } from './stateful-store.ts';

export const VALKEY = 'valkey';
export const VALKEY_PORT = 6379;

export interface ValkeyProps {
  readonly storage: string;
  /** @default the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Labels for the pods only (not selectors), e.g. the environment for log collection. @default none */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Keep the volume when the StatefulSet goes, and delete only after a person confirms. @default false */
  readonly protectData?: boolean;
  /** @default valkey/valkey:8.1.3-alpine, pinned by digest */
  readonly image?: string;
}

export class Valkey extends Construct {
  readonly host = VALKEY;
  readonly port = VALKEY_PORT;
  /** The labels Valkey's pods are selected by. */
  readonly selector: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ValkeyProps) {
    super(scope, id);
    const ping: k8s.Probe = { exec: { command: ['valkey-cli', 'ping'] }, periodSeconds: 10, timeoutSeconds: 2 };
    this.selector = new StatefulStore(this, 'Store', {
      name: VALKEY,
      role: 'cache',
      // The image's own non-root user; set explicitly so runAsNonRoot can be verified.
      user: 999,
      image: props.image ?? 'valkey/valkey:8.1.3-alpine@sha256:d827e7f7552cdee40cc7482dbae9da020f42bc47669af6f71182a4ef76a22773',
      args: ['valkey-server', '--appendonly', 'yes', '--dir', '/data', '--save', '', '--protected-mode', 'no'],
      ports: [{ name: 'valkey', port: VALKEY_PORT }],
      dataPath: '/data',
      storage: props.storage,
      storageClassName: props.storageClassName,
      podLabels: props.podLabels,
      protectData: props.protectData,
      readinessProbe: ping,
      livenessProbe: { ...ping, initialDelaySeconds: 10, failureThreshold: 6 },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    }).selector;
  }
}
