/**
 * envs/env.schema.json is what editors check env.yaml files with; it must agree
 * with the zod schema synth uses on real files and on a misspelt key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/repo.ts';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'envs/env.schema.json'), 'utf8'));
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

describe('envs/env.schema.json', () => {
  for (const env of ['dev', 'staging', 'prod']) {
    it(`accepts envs/${env}/env.yaml`, () => {
      const document = parse(readFileSync(join(REPO_ROOT, 'envs', env, 'env.yaml'), 'utf8'));
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  it('rejects an unknown key and a malformed digest, as synth does', () => {
    expect(validate({ route: { host: 'a.example.com' }, replicas: 3 })).toBe(false);
    expect(validate({ route: { host: 'a.example.com' }, image: { digest: 'sha256:abc' } })).toBe(false);
  });

  it('is referenced by every env.yaml for editor completion', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      expect(readFileSync(join(REPO_ROOT, 'envs', env, 'env.yaml'), 'utf8').split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../env.schema.json',
      );
    }
  });
});
