/**
 * A validator read back from the compiled cache must judge exactly as the one
 * ajv just compiled: the cache only saves time, it never changes a verdict.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { cachePath, loadCached, storeCompiled } from '../src/schemas/compiled-cache.ts';
import { validateSchema } from '../src/schemas/index.ts';

const SCHEMA = {
  $id: 'cache-test',
  type: 'object',
  additionalProperties: false,
  required: ['spec'],
  properties: { spec: { $ref: '#/$defs/Spec' } },
  $defs: { Spec: { type: 'object', additionalProperties: false, properties: { replicas: { type: 'integer', minimum: 0 } } } },
};

describe('the compiled validator cache', () => {
  it('stores a validator that accepts and rejects what the compiled one does', () => {
    const ajv = new Ajv({ strict: false, allErrors: false, inlineRefs: false, code: { source: true } });
    const compiled = ajv.compile(SCHEMA);
    const path = cachePath(`${JSON.stringify(SCHEMA)}${randomUUID()}`, 'Spec');
    try {
      expect(loadCached(path)).toBeUndefined();
      storeCompiled(ajv, compiled, path);
      const cached = loadCached(path)!;
      for (const value of [{ spec: { replicas: 2 } }, { spec: { replicas: -1 } }, { spec: { replica: 2 } }, {}, { spec: {}, extra: 1 }]) {
        expect(cached(value), JSON.stringify(value)).toBe(compiled(value));
      }
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('keys the file by schema content and root', () => {
    expect(cachePath('a', 'apps/v1/Deployment')).not.toBe(cachePath('b', 'apps/v1/Deployment'));
    expect(cachePath('a', 'apps/v1/Deployment')).not.toBe(cachePath('a', 'apps/v1/StatefulSet'));
    expect(cachePath('a', 'apps/v1/Deployment')).toBe(cachePath('a', 'apps/v1/Deployment'));
  });

  it('still finds an unknown field when the validator comes from the cache (second lookup in a fresh registry)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: {}, template: {}, replica: 3 },
    };
    const violations = validateSchema(deployment as never, '1.31');
    expect(violations.map((v) => v.reason)).toContain('unknown-field');
  });
});
