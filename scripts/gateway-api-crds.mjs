/**
 * The Gateway API CRDs this repository is typed and validated against: the standard channel of the release
 * the gateway-crds platform component installs (GATEWAY_API_VERSION in src/catalog/components.ts), the kinds
 * HiveBox writes. Read from the release tag on GitHub, or from a folder holding the same files
 * (GATEWAY_API_CRDS=<dir>, e.g. a checkout of kubernetes-sigs/gateway-api at that tag: <dir>/config/crd/standard).
 * Used by scripts/import-gateway-api.mjs (cdk8s import) and src/schemas/generate.ts (validate's schemas).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GATEWAY_API_RELEASE = 'v1.6.1';
export const GATEWAY_API_KINDS = ['gatewayclasses', 'gateways', 'httproutes'];

const fileOf = (plural) => `config/crd/standard/gateway.networking.k8s.io_${plural}.yaml`;

/** The CRD files' texts, in GATEWAY_API_KINDS order, and the release they are (the same files either way). */
export async function gatewayApiCrds() {
  const dir = process.env.GATEWAY_API_CRDS;
  if (dir) return { source: `kubernetes-sigs/gateway-api ${GATEWAY_API_RELEASE}`, texts: GATEWAY_API_KINDS.map((plural) => readFileSync(join(dir, fileOf(plural)), 'utf8')) };
  const base = `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${GATEWAY_API_RELEASE}/`;
  const texts = [];
  for (const plural of GATEWAY_API_KINDS) {
    const response = await fetch(base + fileOf(plural), { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${base + fileOf(plural)}: HTTP ${response.status}`);
    texts.push(await response.text());
  }
  return { source: `kubernetes-sigs/gateway-api ${GATEWAY_API_RELEASE}`, texts };
}
