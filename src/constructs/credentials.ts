/**
 * Credentials arrive through External Secrets: Git holds only a reference to
 * the environment's secret store, never a Secret with data.
 */
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
} from '../imports/external-secrets.io.ts';
import { componentLabels, SyncWave, syncWave } from './metadata.ts';

export const CREDENTIALS_SECRET = 'hivebox-minio';

export interface StorageCredentialsProps {
  /** The ClusterSecretStore of this environment. */
  readonly secretStore: string;
  /** The key of the entry in the store. @default hivebox-minio */
  readonly remoteKey?: string;
  /** How often External Secrets re-reads the store, so a rotation reaches the cluster. @default 1h */
  readonly refreshInterval?: string;
}

export class StorageCredentials extends Construct {
  readonly secretName = CREDENTIALS_SECRET;

  constructor(scope: Construct, id: string, props: StorageCredentialsProps) {
    super(scope, id);
    const remoteKey = props.remoteKey ?? CREDENTIALS_SECRET;
    new ExternalSecret(this, 'ExternalSecret', {
      metadata: { name: CREDENTIALS_SECRET, labels: componentLabels('hivebox', 'credentials'), annotations: syncWave(SyncWave.Guardrails) },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: props.secretStore },
        target: {
          name: CREDENTIALS_SECRET,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: [
          { secretKey: 'MINIO_ACCESS_KEY', remoteRef: { key: remoteKey, property: 'access-key' } },
          { secretKey: 'MINIO_SECRET_KEY', remoteRef: { key: remoteKey, property: 'secret-key' } },
        ],
      },
    });
  }
}
