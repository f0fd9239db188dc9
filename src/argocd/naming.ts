/** Names other commands rely on (`status`, `promote`): keep them stable. */
import type { Environment } from '../config/environment.ts';

export { ARGOCD_NAMESPACE } from '../catalog/components.ts';

/** Every Application and AppProject names the cluster whose Argo CD it belongs to. */
export const CLUSTER_LABEL = 'hivebox.dev/cluster';

/** Which step of its cluster's order an Application belongs to; a person syncing a manual cluster follows it. */
export const SYNC_STEP_LABEL = 'hivebox.dev/sync-step';

export function environmentAppName(env: Pick<Environment, 'name'>): string {
  return `hivebox-${env.name}`;
}

export function platformAppName(component: string, cluster: string): string {
  return `${component}-${cluster}`;
}
