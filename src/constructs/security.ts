/**
 * Pod Security "restricted", written once. Every workload in this repository
 * takes its security contexts from here, so no container can quietly drift.
 */
import type { k8s } from 'cdk8s-plus-28';

/** The non-root user HiveBox and its jobs run as. */
export const APP_USER = 10001;

export function restrictedPodSecurityContext(user: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    fsGroup: user,
    // Only relabel volumes whose root does not match yet: restarts stay fast on big volumes.
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(user: number): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
