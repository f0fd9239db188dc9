/**
 * loadEnvironments (load.ts), answered from an earlier run when no env.yaml changed. Loading
 * is the yaml package's parse and zod's validation of every env.yaml, and zod with the schema
 * costs more to load than the rest of validate: a repository whose env.yaml files are the same
 * bytes as in a run that loaded them gets that run's environments back (toolchain/value-cache.ts,
 * keyed by the code and by the name and content of every entry of envs/), without loading
 * either. Anything unusual (a folder without env.yaml, a file that cannot be read), and every
 * failure, goes through load.ts, so its errors read exactly as before.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recallValue, rememberValue, valueKey } from '../toolchain/value-cache.ts';
import type { Environment } from './environment.ts';

const KIND = 'environments';

/** Every environment under `<root>/envs`, as loadEnvironments returns them. */
export async function loadEnvironmentsCached(root: string): Promise<Environment[]> {
  const key = inputsKey(root);
  const recalled = key === undefined ? undefined : recallValue<Environment[]>(KIND, key);
  if (recalled !== undefined) return recalled;
  const { loadEnvironments } = await import('./load.ts');
  const environments = loadEnvironments(root);
  if (key !== undefined) rememberValue(KIND, key, environments);
  return environments;
}

/** The key of envs/ as loadEnvironments reads it: every entry's name and kind, every env.yaml's bytes. */
function inputsKey(root: string): string | undefined {
  try {
    const inputs: string[] = [];
    const entries = readdirSync(join(root, 'envs'), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      // Only plain folders with an env.yaml and plain files (skipped by load.ts) are keyed; anything else is loaded.
      if (entry.isDirectory()) inputs.push(`dir ${entry.name}`, readFileSync(join(root, 'envs', entry.name, 'env.yaml'), 'utf8'));
      else if (entry.isFile()) inputs.push(`file ${entry.name}`);
      else return undefined;
    }
    return valueKey(KIND, inputs);
  } catch {
    return undefined;
  }
}
