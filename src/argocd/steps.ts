/**
 * The order in which a cluster's Applications converge, derived from what they
 * need rather than written by hand: a platform component comes after every
 * component that installs the CRDs of the custom resources it renders (its
 * chart's and its extra manifests') or its controller cannot start without
 * (watchedKinds), and the environments come after the whole platform. Step 1 needs nothing; step n needs something from step n-1.
 *
 * The root Application uses the steps as sync waves — with Argo CD assessing
 * Application health (the argo-cd chart's argocd-cm says how), a wave waits until
 * every Application of the wave before it is Healthy. A person syncing a manual
 * cluster follows the same steps (the `hivebox.dev/sync-step` label).
 */
import type { GroupKind } from '../kube/manifest.ts';
import type { PlatformComponent } from '../catalog/components.ts';

export interface ComponentNeeds {
  readonly component: PlatformComponent;
  /** Custom kinds the component's extra manifests (argocd/<cluster>/platform/<c>/) create on this cluster. */
  readonly extraKinds: readonly GroupKind[];
}

/** The components another component relies on for CRDs, by name. */
export function crdProviders(needs: ComponentNeeds, all: readonly PlatformComponent[]): PlatformComponent[] {
  const groups = new Set([...needs.component.customKinds, ...(needs.component.watchedKinds ?? []), ...needs.extraKinds].map((kind) => kind.group));
  return all.filter((other) => other !== needs.component && other.crdGroups.some((group) => groups.has(group)));
}

/** Step (1-based) of every component on one cluster. A dependency cycle is a programming error in src/platform. */
export function platformSteps(components: readonly ComponentNeeds[]): Map<string, number> {
  const all = components.map((c) => c.component);
  const byName = new Map(components.map((c) => [c.component.name, c]));
  const steps = new Map<string, number>();
  const visiting = new Set<string>();
  const step = (name: string): number => {
    const known = steps.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`platform components depend on each other in a cycle through ${name}`);
    visiting.add(name);
    const providers = crdProviders(byName.get(name)!, all);
    const value = 1 + Math.max(0, ...providers.map((p) => step(p.name)));
    visiting.delete(name);
    steps.set(name, value);
    return value;
  };
  for (const { component } of components) step(component.name);
  return steps;
}
