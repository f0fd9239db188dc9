/**
 * API groups and object identity (src/kube/object.ts): apiVersion is read as k8s.io/apimachinery's
 * ParseGroupVersion reads it (pkg/runtime/schema/group_version.go), the core group is '', and one key says
 * two manifests are the same object whatever their version.
 */
import { describe, expect, it } from 'vitest';
import { CORE_GROUP, formatApiVersion, formatGroupKind, groupOf, objectIdOf, objectKey, parseApiVersion } from '../src/kube/object.ts';

describe('apiVersion and groups', () => {
  it('reads group and version as ParseGroupVersion does, the core group as the empty string', () => {
    expect(parseApiVersion('v1')).toEqual({ group: CORE_GROUP, version: 'v1' });
    expect(parseApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(parseApiVersion('gateway.networking.k8s.io/v1')).toEqual({ group: 'gateway.networking.k8s.io', version: 'v1' });
    expect(parseApiVersion('')).toEqual({ group: '', version: '' });
    expect(parseApiVersion('/')).toEqual({ group: '', version: '' });
    expect(parseApiVersion('a/b/c')).toBeUndefined();
    expect(CORE_GROUP).toBe('');
  });

  it('gives an apiVersion Kubernetes cannot parse a group of its own, never the core one', () => {
    expect(groupOf('v1')).toBe('');
    expect(groupOf('policy/v1')).toBe('policy');
    expect(groupOf('a/b/c')).toBe('a/b/c');
  });

  it('writes apiVersions and kinds back as Kubernetes and kubectl do', () => {
    expect(formatApiVersion({ group: '', version: 'v1' })).toBe('v1');
    expect(formatApiVersion({ group: 'apps', version: 'v1' })).toBe('apps/v1');
    expect(formatGroupKind({ group: '', kind: 'Service' })).toBe('Service');
    expect(formatGroupKind({ group: 'apps', kind: 'Deployment' })).toBe('Deployment.apps');
  });
});

describe('object identity', () => {
  const deployment = (apiVersion: string, namespace?: string, name = 'hivebox') => ({
    apiVersion,
    kind: 'Deployment',
    metadata: { name, ...(namespace ? { namespace } : {}) },
  });

  it('is the same object at any version of its group', () => {
    expect(objectKey(objectIdOf(deployment('apps/v1', 'dev')))).toBe(objectKey(objectIdOf(deployment('apps/v1beta2', 'dev'))));
  });

  it('tells group, kind, namespace and name apart, and a missing namespace is the empty one', () => {
    const key = objectKey(objectIdOf(deployment('apps/v1', 'dev')));
    expect(objectKey(objectIdOf(deployment('extensions/v1beta1', 'dev')))).not.toBe(key);
    expect(objectKey(objectIdOf(deployment('apps/v1', 'prod')))).not.toBe(key);
    expect(objectKey(objectIdOf(deployment('apps/v1', 'dev', 'other')))).not.toBe(key);
    expect(objectKey(objectIdOf({ ...deployment('apps/v1', 'dev'), kind: 'StatefulSet' }))).not.toBe(key);
    expect(objectIdOf(deployment('apps/v1'))).toEqual({ group: 'apps', kind: 'Deployment', namespace: '', name: 'hivebox' });
  });

  it('cannot be confused by a part that contains the separator a person would pick', () => {
    const a = objectKey({ group: '', kind: 'ConfigMap', namespace: 'a/b', name: 'c' });
    const b = objectKey({ group: '', kind: 'ConfigMap', namespace: 'a', name: 'b/c' });
    expect(a).not.toBe(b);
  });
});
