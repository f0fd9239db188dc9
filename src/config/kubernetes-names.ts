/**
 * Kubernetes' own name grammars, as k8s.io/apimachinery's pkg/util/validation/validation.go states them
 * (kubernetes/apimachinery at commit eed236ce): IsDNS1123Label (namespaces, Services), IsDNS1123Subdomain
 * (most object names: a StorageClass, a ClusterIssuer, a SecretStore), IsFullyQualifiedDomainName, and
 * the Ingress rule's "must be a DNS name, not an IP address" (kubernetes/kubernetes
 * pkg/apis/networking/validation, which asks netutils.ParseIPSloppy: dotted decimals, leading zeros allowed).
 */
import { z } from 'zod';

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
// The grammars with their length limits, as patterns the generated JSON Schema (envs/env.schema.json) carries too.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A subdomain of at least two labels, each a DNS-1123 label. */
const FULLY_QUALIFIED = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;

export function isDns1123Label(value: string): boolean {
  return DNS1123_LABEL.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return DNS1123_SUBDOMAIN.test(value);
}

/** IsFullyQualifiedDomainName without its trailing dot: a subdomain of at least two labels, each a DNS-1123 label. */
export function isFullyQualifiedDomainName(value: string): boolean {
  return FULLY_QUALIFIED.test(value);
}

/** What Go's net.ParseIP (as netutils.ParseIPSloppy) reads as an IPv4 address; IPv6 is never a subdomain anyway. */
export function isIPv4Sloppy(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((part) => /^\d+$/.test(part) && Number(part) <= 255);
}

/** A host name a certificate and a DNS record can carry: fully qualified, lowercase, and no IP address. */
export function isDnsName(value: string): boolean {
  return isFullyQualifiedDomainName(value) && !isIPv4Sloppy(value);
}

/** A DNS name such as hivebox.example.com, for a host that Ingress, cert-manager and ExternalDNS all accept. */
export const dnsName = (what: string) =>
  z
    .string()
    .regex(FULLY_QUALIFIED, {
      error: `${what}: a fully qualified lowercase DNS name such as hivebox.example.com (labels of letters, digits and '-', at most 63 each)`,
    })
    .refine((host) => !isIPv4Sloppy(host), { error: `${what}: a DNS name such as hivebox.example.com, not an IP address` });

export const dnsLabel = (what: string) =>
  z.string().regex(DNS1123_LABEL, { error: `${what}: a DNS label (lowercase letters, digits and '-', at most 63)` });

export const dnsSubdomain = (what: string) =>
  z.string().regex(DNS1123_SUBDOMAIN, {
    error: `${what}: a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253), such as fast.ssd.example`,
  });

/** A fully qualified host name; unlike dnsName, an IPv4 address is one too (an external service may have no name). */
export const hostName = (error: string) => z.string().regex(FULLY_QUALIFIED, { error });
