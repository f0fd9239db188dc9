/**
 * A fully resolved environment: the parsed env.yaml with every default applied
 * and the values derived from the environment's name filled in.
 */
import { EnvFileSchema, type EnvFile } from './schema.ts';

export interface Environment extends Omit<EnvFile, 'namespace' | 'secretStore'> {
  /** The folder name under envs/. */
  readonly name: string;
  /** The env file it came from, relative to the repository root (posix separators). */
  readonly file: string;
  readonly namespace: string;
  readonly secretStore: string;
}

export function resolveEnvironment(name: string, file: string, parsed: EnvFile): Environment {
  return {
    ...parsed,
    name,
    file,
    namespace: parsed.namespace ?? `hivebox-${name}`,
    secretStore: parsed.secretStore ?? `hivebox-${name}`,
  };
}

/** The name the shared base is rendered under. It is no environment: nothing deploys it as is. */
export const BASE_NAME = 'base';

/**
 * The base is the defaults alone, with a placeholder host in the reserved
 * `.invalid` domain so that the base on its own can never serve traffic.
 */
export function baseEnvironment(): Environment {
  const parsed = EnvFileSchema.parse({ route: { host: 'hivebox.example.invalid' } });
  return { ...resolveEnvironment(BASE_NAME, 'src/config/schema.ts', parsed), namespace: 'hivebox' };
}
