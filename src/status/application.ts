/**
 * What `status` reads from an Argo CD Application, and how a row of the table
 * compares it with what Git wants.
 */
import type { Environment } from '../config/environment.ts';
import { formatImageReference, tryParseImageReference } from '../kube/image.ts';

/** The parts of an argoproj.io/v1alpha1 Application status that `status` reads. */
export interface Application {
  readonly metadata?: { readonly name?: string; readonly resourceVersion?: string };
  readonly status?: {
    readonly sync?: { readonly status?: string; readonly revision?: string };
    readonly health?: { readonly status?: string };
    readonly summary?: { readonly images?: readonly string[] };
  };
}

export interface EnvironmentStatus {
  readonly environment: string;
  readonly application: string;
  /** Synced, OutOfSync, Unknown; "Missing" when there is no such Application. */
  readonly sync: string;
  /** Healthy, Progressing, Degraded, Suspended, Missing, Unknown. */
  readonly health: string;
  readonly revision: string | undefined;
  /** The HiveBox images the Application runs (status.summary.images of its repository). */
  readonly running: readonly string[];
  /** The image envs/<env>/env.yaml asks for. */
  readonly wanted: string;
  /** Whether the running HiveBox image is exactly the one Git wants (and no other). */
  readonly runsWanted: boolean;
}

export function applicationName(env: Environment): string {
  return `hivebox-${env.name}`;
}

export function environmentStatus(env: Environment, app: Application | undefined): EnvironmentStatus {
  const repository = env.image.repository;
  const images = app?.status?.summary?.images ?? [];
  const running = images.filter((image) => tryParseImageReference(image)?.repository === repository);
  const wanted = formatImageReference(env.image);
  return {
    environment: env.name,
    application: applicationName(env),
    sync: app ? (app.status?.sync?.status ?? 'Unknown') : 'Missing',
    health: app ? (app.status?.health?.status ?? 'Unknown') : 'Missing',
    revision: app?.status?.sync?.revision,
    // The Application also runs Valkey and MinIO; only HiveBox's own image answers "what runs".
    running,
    wanted,
    runsWanted: running.length > 0 && running.every((image) => image === wanted),
  };
}

/**
 * Synced and Healthy, and running the image Git names: Argo CD says Synced
 * against the revision it last compared, which lags a fresh merge by up to its
 * polling interval, so the image is what makes `--wait` a safe gate after a promotion.
 */
export function isSettled(status: EnvironmentStatus): boolean {
  return status.sync === 'Synced' && status.health === 'Healthy' && status.runsWanted;
}
