/**
 * Argo CD's two custom resources, typed by `cdk8s import` of the pinned CRDs (src/imports/argoproj.io.ts),
 * so a misspelt field is a type error rather than a silently ignored key in a live cluster.
 */
import type { Construct } from 'constructs';
import { Application as ImportedApplication, type ApplicationProps } from '../imports/argoproj.io.ts';
import { ARGOCD_NAMESPACE } from './naming.ts';

export { AppProject, type AppProjectSpecDestinations as Destination, type AppProjectSpecSyncWindows as SyncWindow } from '../imports/argoproj.io.ts';
export type { ApplicationSpecSources as ApplicationSource, ApplicationSpecSyncPolicy as SyncPolicy, ApplicationSpecSyncPolicyRetry as RetryStrategy } from '../imports/argoproj.io.ts';
export { ARGOCD_NAMESPACE };
/** Deleting an Application with this finalizer deletes what it deployed. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** The cluster Argo CD itself runs in, whatever name it is registered under. */
export const LOCAL_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * An Application with exactly one of spec.source and spec.sources: the CRD takes both, and Argo CD then
 * silently ignores source (argoproj/argo-cd v3.4.4 pkg/apis/application/v1alpha1/types.go, HasMultipleSources).
 */
export class Application extends ImportedApplication {
  constructor(scope: Construct, id: string, props: ApplicationProps) {
    const { source, sources } = props.spec;
    if ((source === undefined) === (sources === undefined)) {
      throw new Error(`Application ${props.metadata.name}: set exactly one of spec.source and spec.sources`);
    }
    super(scope, id, props);
  }
}
