/**
 * The CRD files of a release (CRD_FILE_SOURCES in sources.ts), for the maintainer's tools that turn
 * them into validate's schemas (generate.ts) and into typed constructs (scripts/import-crds.ts).
 */
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { git } from '../toolchain/git.ts';
import type { CrdFileSource } from './sources.ts';

/** A CRD file of a release: from a local bare mirror when HIVEBOX_GITHUB_MIRROR says where, else from GitHub. */
export async function releaseFile(source: CrdFileSource, path: string): Promise<string> {
  const mirror = process.env.HIVEBOX_GITHUB_MIRROR;
  if (mirror)
    return git(process.cwd(), [`--git-dir=${join(mirror, source.repository.replace('/', '+'), 'repo')}`, 'show', `${source.tag}:${path}`]);
  const url = `https://raw.githubusercontent.com/${source.repository}/${source.tag}/${path}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** Every CustomResourceDefinition in the source's files, parsed, in file order. */
export async function releaseCrds(source: CrdFileSource): Promise<Array<Record<string, unknown>>> {
  const crds: Array<Record<string, unknown>> = [];
  for (const path of source.files) {
    for (const document of parseAllDocuments(await releaseFile(source, path))) {
      const crd = document.toJS() as Record<string, unknown> | null;
      if (crd?.kind === 'CustomResourceDefinition') crds.push(crd);
    }
  }
  return crds;
}
