/**
 * envs/env.schema.json: the env.yaml schema as JSON Schema, generated from the
 * zod schema, so editors complete and check env.yaml files (each starts with a
 * yaml-language-server modeline pointing here) with the same rules synth uses.
 */
import { z } from 'zod';
import { EnvFileSchema } from '../config/schema.ts';
import { canonicalOrder } from '../kube/canonical.ts';
import { generatedJsonComment } from '../kube/header.ts';
import type { GeneratedFile } from '../kube/generated-file.ts';

export const ENV_SCHEMA_PATH = 'envs/env.schema.json';

export function renderEnvSchema(): GeneratedFile {
  const schema = z.toJSONSchema(EnvFileSchema, { io: 'input', unrepresentable: 'any' });
  const document = {
    ...generatedJsonComment('src/config/schema.ts'),
    title: 'HiveBox environment (envs/<env>/env.yaml)',
    ...(canonicalOrder(schema) as object),
  };
  return { path: ENV_SCHEMA_PATH, content: `${JSON.stringify(document, null, 2)}\n` };
}
