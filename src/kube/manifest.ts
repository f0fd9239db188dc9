/** A Kubernetes object as plain JSON, the way constructs synthesize and kustomize renders it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** A kind within an API group (Kubernetes' metav1.GroupKind); the core group is the empty string. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}
