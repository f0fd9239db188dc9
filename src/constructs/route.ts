/**
 * How traffic reaches HiveBox: an HTTPRoute on the cluster's shared Gateway
 * (src/platform/gateway.ts), attached to the HTTPS listener made for this
 * environment's host, sending every path to the HiveBox Service. ExternalDNS
 * publishes its hostname (gateway-httproute source); the certificate belongs to
 * the listener. Typed with `cdk8s import` of the pinned Gateway API CRDs
 * (src/imports/), as cdk8s-plus-28 does not model the Gateway API.
 */
import type { ApiObjectMetadata } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../imports/gateway.networking.k8s.io.ts';
import { GATEWAY_API_GROUP } from '../catalog/components.ts';
import { SHARED_GATEWAY } from './cluster-peers.ts';

/** Where traffic reaches HiveBox, apart from the Service it goes to. */
export interface HiveBoxRouteOptions {
  /** The hostname users reach HiveBox at. */
  readonly host: string;
  /** The HTTPS listener of the cluster's Gateway made for this host (SHARED_GATEWAY.httpsListener). */
  readonly listener: string;
  /** How long the whole request may take, HiveBox's answer included (a Gateway API Duration such as 15s). */
  readonly requestTimeout: string;
}

export interface HiveBoxRouteProps extends HiveBoxRouteOptions {
  /** The Service every request goes to. */
  readonly service: kplus.Service;
  readonly servicePort: number;
  readonly metadata: ApiObjectMetadata;
}

export class HiveBoxRoute extends Construct {
  readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: HiveBoxRouteProps) {
    super(scope, id);
    this.route = new HttpRoute(this, 'HttpRoute', {
      metadata: props.metadata,
      spec: {
        parentRefs: [
          {
            group: GATEWAY_API_GROUP,
            kind: 'Gateway',
            namespace: SHARED_GATEWAY.namespace,
            name: SHARED_GATEWAY.name,
            sectionName: props.listener,
          },
        ],
        hostnames: [props.host],
        rules: [
          {
            matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
            backendRefs: [{ group: '', kind: 'Service', name: props.service.name, port: props.servicePort }],
            // The whole request, HiveBox's answer included (Gateway API Duration; Envoy Gateway: route timeout).
            timeouts: { request: props.requestTimeout },
          },
        ],
      },
    });
  }
}
