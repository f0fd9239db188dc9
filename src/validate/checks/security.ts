/**
 * Security: the Pod Security Standards "restricted" profile in full (every
 * baseline and restricted control, as kubernetes.io/docs/concepts/security/pod-security-standards
 * lists them), pinned images, no Secret data, no automounted service account tokens.
 */
import { ImageReferenceError, parseImageReference, type ImageReference } from '../../kube/image.ts';
import type { Manifest } from '../../kube/manifest.ts';
import { ARGOCD_SCOPE, type Check, type Report, rule, type ScopeRules } from '../check.ts';
import { asArray, asObject, containersOf, podTemplate, type ContainerAt, type Json, type PodTemplate } from '../workloads.ts';

const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';

/**
 * Pod Security Admission enforces what a Namespace's labels say (kubernetes.io/docs/concepts/security/pod-security-admission):
 * without `enforce: restricted` the cluster admits pods that break the profile, and an older
 * `enforce-version` checks an older, weaker profile (the default is latest). An environment's
 * Namespaces only: the platform's own (argocd/) are the charts' business.
 */
export const namespacePodSecurityCheck: Check = (scope, report) => {
  if (scope.name === ARGOCD_SCOPE) return;
  for (const manifest of scope.manifests) {
    if (manifest.kind !== 'Namespace' || manifest.apiVersion !== 'v1') continue;
    const labels = manifest.metadata.labels ?? {};
    if (labels[ENFORCE] !== 'restricted') {
      report(
        'pss-namespace',
        manifest,
        `metadata.labels["${ENFORCE}"]`,
        `the Namespace enforces ${labels[ENFORCE] === undefined ? 'no Pod Security level (the cluster default admits privileged pods)' : `"${labels[ENFORCE]}"`}, not "restricted"`,
      );
    }
    const version = labels[ENFORCE_VERSION];
    if (version !== undefined && version !== 'latest') {
      report(
        'pss-namespace',
        manifest,
        `metadata.labels["${ENFORCE_VERSION}"]`,
        `the Namespace enforces the profile of ${version}, not the latest`,
      );
    }
  }
};

export const namespacePodSecurityRules: ScopeRules = {
  rules: [
    rule(
      'pss-namespace',
      'security',
      'An environment\'s Namespace enforces Pod Security "restricted" at the latest version (pod-security.kubernetes.io/enforce), so the cluster refuses any pod these rules would',
      'Keep the labels the constructs set: pod-security.kubernetes.io/enforce: restricted, and enforce-version latest or none (a Component in envs/<env>/custom/ must not change them).',
    ),
  ],
  check: namespacePodSecurityCheck,
};

export const podSecurityCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    const pod = podTemplate(manifest);
    if (pod) checkPod(manifest, pod, report);
  }
};

export const podSecurityRules: ScopeRules = {
  rules: [
    rule('pss-privileged', 'security', 'No privileged containers', 'Remove securityContext.privileged or set it to false.'),
    rule(
      'pss-host-namespaces',
      'security',
      'No host network, PID or IPC namespace',
      'Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).',
    ),
    rule('pss-host-ports', 'security', 'No host ports', 'Remove hostPort from the container ports; expose the pod through a Service.'),
    rule(
      'pss-host-path',
      'security',
      'No hostPath volumes',
      'Replace the hostPath volume with an emptyDir, a ConfigMap/Secret or a PersistentVolumeClaim.',
    ),
    rule(
      'pss-volume-types',
      'security',
      'Only restricted volume types (configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)',
      'Use one of the allowed volume types.',
    ),
    rule(
      'pss-capabilities',
      'security',
      'Containers drop ALL capabilities and add none but NET_BIND_SERVICE',
      'Set securityContext.capabilities.drop: [ALL] and remove other added capabilities.',
    ),
    rule(
      'pss-privilege-escalation',
      'security',
      'allowPrivilegeEscalation is false',
      'Set securityContext.allowPrivilegeEscalation: false on every container.',
    ),
    rule(
      'pss-run-as-non-root',
      'security',
      'Containers run as non-root (runAsNonRoot true, runAsUser not 0)',
      'Set runAsNonRoot: true (pod or container securityContext) and a non-zero runAsUser.',
    ),
    rule(
      'pss-seccomp',
      'security',
      'seccomp profile RuntimeDefault or Localhost',
      'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or every container).',
    ),
    rule('pss-proc-mount', 'security', 'Default /proc mount', 'Remove securityContext.procMount or set it to Default.'),
    rule(
      'pss-selinux',
      'security',
      'No custom SELinux user/role; type only container_t, container_init_t, container_kvm_t or container_engine_t',
      'Remove the SELinux user and role and use an allowed type.',
    ),
    rule('pss-apparmor', 'security', 'AppArmor profile is not Unconfined', 'Use the RuntimeDefault or a Localhost AppArmor profile.'),
    rule('pss-sysctls', 'security', 'Only safe sysctls', 'Remove unsafe sysctls from the pod securityContext.'),
    rule('pss-windows-host-process', 'security', 'No Windows HostProcess containers', 'Remove windowsOptions.hostProcess.'),
  ],
  check: podSecurityCheck,
};

function checkPod(manifest: Manifest, pod: PodTemplate, report: Report): void {
  const spec = pod.spec;
  const podContext = asObject(spec.securityContext);
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true)
      report('pss-host-namespaces', manifest, `${pod.path}.${field}`, `${field} shares the node's namespace with the pod`);
  }
  asArray(spec.volumes).forEach((volume, index) => {
    const v = asObject(volume);
    const type = Object.keys(v).find((key) => key !== 'name');
    const path = `${pod.path}.volumes[${index}]`;
    if (type === 'hostPath') report('pss-host-path', manifest, `${path}.hostPath`, `volume "${String(v.name)}" mounts a path of the node`);
    else if (type !== undefined && !RESTRICTED_VOLUMES.has(type))
      report(
        'pss-volume-types',
        manifest,
        `${path}.${type}`,
        `volume "${String(v.name)}" is of type ${type}, not allowed by the restricted profile`,
      );
  });
  asArray(podContext.sysctls).forEach((sysctl, index) => {
    const name = String(asObject(sysctl).name);
    if (!SAFE_SYSCTLS.has(name))
      report('pss-sysctls', manifest, `${pod.path}.securityContext.sysctls[${index}]`, `sysctl ${name} is not in the safe set`);
  });
  checkSeLinux(manifest, podContext.seLinuxOptions, `${pod.path}.securityContext.seLinuxOptions`, report);
  checkAppArmor(manifest, podContext.appArmorProfile, `${pod.path}.securityContext.appArmorProfile`, report);
  for (const [key, value] of Object.entries(manifest.kind === 'Pod' ? (manifest.metadata.annotations ?? {}) : {})) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value === 'unconfined') {
      report('pss-apparmor', manifest, `metadata.annotations["${key}"]`, 'AppArmor is unconfined');
    }
  }
  if (asObject(podContext.windowsOptions).hostProcess === true)
    report(
      'pss-windows-host-process',
      manifest,
      `${pod.path}.securityContext.windowsOptions.hostProcess`,
      'the pod runs as a Windows HostProcess',
    );

  if (podContext.runAsUser === 0)
    report('pss-run-as-non-root', manifest, `${pod.path}.securityContext.runAsUser`, 'the pod runs as user 0 (root)');
  const podSeccomp = asObject(podContext.seccompProfile).type;
  if (podSeccomp !== undefined && !isAllowedSeccomp(podSeccomp)) {
    report(
      'pss-seccomp',
      manifest,
      `${pod.path}.securityContext.seccompProfile.type`,
      `seccomp profile ${String(podSeccomp)}: expected RuntimeDefault or Localhost`,
    );
  }
  for (const at of containersOf(pod)) checkContainer(manifest, podContext, at, report);
}

function isAllowedSeccomp(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function checkSeLinux(manifest: Manifest, options: unknown, path: string, report: Report): void {
  if (options === undefined) return;
  const o = asObject(options);
  if (o.user !== undefined || o.role !== undefined) report('pss-selinux', manifest, path, 'custom SELinux user or role');
  if (!SELINUX_TYPES.has(typeof o.type === 'string' ? o.type : ''))
    report('pss-selinux', manifest, `${path}.type`, `SELinux type ${String(o.type)} is not allowed`);
}

function checkAppArmor(manifest: Manifest, profile: unknown, path: string, report: Report): void {
  if (asObject(profile).type === 'Unconfined') report('pss-apparmor', manifest, `${path}.type`, 'AppArmor is Unconfined');
}

function checkContainer(manifest: Manifest, podContext: Json, at: ContainerAt, report: Report): void {
  const { container, path, name } = at;
  const context = asObject(container.securityContext);
  const ctxPath = `${path}.securityContext`;
  if (context.privileged === true) report('pss-privileged', manifest, `${ctxPath}.privileged`, `container ${name} is privileged`);
  asArray(container.ports).forEach((port, index) => {
    const hostPort = asObject(port).hostPort;
    if (hostPort !== undefined && hostPort !== 0)
      report('pss-host-ports', manifest, `${path}.ports[${index}].hostPort`, `container ${name} binds host port ${String(hostPort)}`);
  });
  const capabilities = asObject(context.capabilities);
  const added = asArray(capabilities.add)
    .map(String)
    .filter((cap) => cap !== 'NET_BIND_SERVICE');
  if (added.length > 0) report('pss-capabilities', manifest, `${ctxPath}.capabilities.add`, `container ${name} adds ${added.join(', ')}`);
  if (!asArray(capabilities.drop).map(String).includes('ALL'))
    report('pss-capabilities', manifest, `${ctxPath}.capabilities.drop`, `container ${name} does not drop ALL capabilities`);
  if (context.allowPrivilegeEscalation !== false) {
    report(
      'pss-privilege-escalation',
      manifest,
      `${ctxPath}.allowPrivilegeEscalation`,
      `container ${name} does not set allowPrivilegeEscalation: false`,
    );
  }
  const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
  if (runAsNonRoot !== true)
    report(
      'pss-run-as-non-root',
      manifest,
      `${ctxPath}.runAsNonRoot`,
      `container ${name} may run as root: runAsNonRoot is not true (container or pod)`,
    );
  if (context.runAsUser === 0) report('pss-run-as-non-root', manifest, `${ctxPath}.runAsUser`, `container ${name} runs as user 0 (root)`);
  const seccomp = asObject(context.seccompProfile).type ?? asObject(podContext.seccompProfile).type;
  if (!isAllowedSeccomp(seccomp)) {
    report(
      'pss-seccomp',
      manifest,
      `${ctxPath}.seccompProfile.type`,
      `container ${name} has no RuntimeDefault or Localhost seccomp profile (container or pod)`,
    );
  }
  if (context.procMount !== undefined && context.procMount !== 'Default')
    report('pss-proc-mount', manifest, `${ctxPath}.procMount`, `container ${name} uses procMount ${String(context.procMount)}`);
  checkSeLinux(manifest, context.seLinuxOptions, `${ctxPath}.seLinuxOptions`, report);
  checkAppArmor(manifest, context.appArmorProfile, `${ctxPath}.appArmorProfile`, report);
  if (asObject(context.windowsOptions).hostProcess === true)
    report('pss-windows-host-process', manifest, `${ctxPath}.windowsOptions.hostProcess`, `container ${name} is a Windows HostProcess`);
}

export const imageCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    const pod = podTemplate(manifest);
    if (!pod) continue;
    for (const { container, path, name } of containersOf(pod)) {
      const image = typeof container.image === 'string' ? container.image : '';
      let reference: ImageReference;
      try {
        reference = image === '' ? { repository: '' } : parseImageReference(image);
      } catch (error) {
        if (!(error instanceof ImageReferenceError)) throw error;
        report('image-tag', manifest, `${path}.image`, `container ${name} uses ${image}: not an image reference (${error.message})`);
        continue;
      }
      const { tag, digest } = reference;
      if (tag === 'latest') report('image-tag', manifest, `${path}.image`, `container ${name} uses ${image}: "latest" moves under you`);
      else if (tag === undefined && digest === undefined)
        report('image-tag', manifest, `${path}.image`, `container ${name} uses ${image || 'no image'} without a tag (that means latest)`);
      if (scope.requireDigest && digest === undefined)
        report(
          'image-digest',
          manifest,
          `${path}.image`,
          `container ${name} uses ${image}, not pinned by digest (required in ${scope.name})`,
        );
    }
  }
};

export const imageRules: ScopeRules = {
  rules: [
    rule(
      'image-tag',
      'security',
      'Images are pinned: no :latest, no untagged image',
      'Pin the image to a version tag (and a digest) in env.yaml image.tag / image.digest.',
    ),
    rule(
      'image-digest',
      'security',
      'Images are pinned by digest where the environment requires it (validation.requireDigest)',
      'Pin the image as repo:tag@sha256:...: the HiveBox image through image.digest in env.yaml (hivebox-gitops promote sets it), other images where their construct names them.',
    ),
  ],
  check: imageCheck,
};

export const secretDataCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    if (manifest.kind !== 'Secret' || manifest.apiVersion !== 'v1') continue;
    for (const field of ['data', 'stringData'] as const) {
      const keys = Object.keys(asObject(manifest[field]));
      if (keys.length > 0)
        report('secret-data', manifest, field, `Secret ${manifest.metadata.name} carries ${field} (${keys.join(', ')}) in Git`);
    }
  }
};

export const secretDataRules: ScopeRules = {
  rules: [rule('secret-data', 'security', 'No Secret with data in Git', 'Delete the Secret and deliver it through an ExternalSecret.')],
  check: secretDataCheck,
};

export const serviceAccountTokenCheck: Check = (scope, report) => {
  for (const manifest of scope.manifests) {
    if (manifest.kind === 'ServiceAccount' && manifest.apiVersion === 'v1') {
      if (manifest.automountServiceAccountToken !== false) {
        report(
          'service-account-token',
          manifest,
          'automountServiceAccountToken',
          `ServiceAccount ${manifest.metadata.name} lets every pod mount its token (automountServiceAccountToken is not false)`,
        );
      }
      continue;
    }
    const pod = podTemplate(manifest);
    if (!pod) continue;
    const accountName = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : 'default';
    const account = scope.ofKind('ServiceAccount', manifest.metadata.namespace ?? '').find((sa) => sa.metadata.name === accountName);
    // The pod's own setting wins; otherwise the ServiceAccount's; otherwise Kubernetes mounts the token.
    const mounted = pod.spec.automountServiceAccountToken ?? account?.automountServiceAccountToken ?? true;
    if (mounted !== false) {
      report(
        'service-account-token',
        manifest,
        `${pod.path}.automountServiceAccountToken`,
        `pods mount the token of service account ${accountName}`,
      );
    }
  }
};

export const serviceAccountTokenRules: ScopeRules = {
  rules: [
    rule(
      'service-account-token',
      'security',
      'Service account tokens are not mounted unless needed',
      'Set automountServiceAccountToken: false on the ServiceAccount and pod, or waive the rule with the reason the token is needed.',
    ),
  ],
  check: serviceAccountTokenCheck,
};
