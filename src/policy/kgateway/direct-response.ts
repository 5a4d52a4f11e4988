import { Construct } from 'constructs';
import * as gw from '../../../imports/gateway-gateway.networking.k8s.io';
import * as kgw from '../../../imports/kgateway-gateway.kgateway.dev';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain } from '../../core/names';
import { IHttpRouteFilter } from '../../routing/filter';
import { checkProps, childPath } from '../../core/prop-types';

/** Props of {@link DirectResponse}. */
export interface DirectResponseProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.status`: the HTTP status code, 200-599. */
  readonly status: number;
  /** `spec.body`: the response body, 1-4096 characters. @default - no body */
  readonly body?: string;
}

/**
 * kgateway's `DirectResponse` (gateway.kgateway.dev/v1alpha1): the gateway
 * answers the request itself, without a backend (health checks, maintenance
 * pages). Use it as a filter of an HTTPRoute rule without backends:
 *
 * ```ts
 * const ok = new DirectResponse(system, 'health', { status: 200, body: 'ok' });
 * new HttpRoute(system, 'health', { parents: [gateway], rules: [{ matches: [{ path: PathMatch.exact('/health') }], filters: [ok] }] });
 * ```
 *
 * @see https://kgateway.dev/docs/traffic-management/direct-response/
 */
export class DirectResponse extends Construct implements IHttpRouteFilter {
  /** `metadata.name`. */
  public readonly responseName: string;
  /** The L1 object. */
  public readonly resource: kgw.DirectResponse;

  public constructor(scope: Construct, id: string, props: DirectResponseProps) {
    checkProps(childPath(scope, id), props, 'DirectResponseProps');
    super(scope, id);
    this.responseName = assertDnsSubdomain(this, 'name', props.name ?? id);
    if (!Number.isInteger(props.status) || props.status < 200 || props.status > 599) {
      invalid(this, 'status', 'must be an HTTP status code between 200 and 599', props.status, 'use e.g. 200 or 503');
    }
    if (props.body !== undefined && (props.body.length < 1 || props.body.length > 4096)) {
      invalid(this, 'body', 'must be 1 to 4096 characters', props.body.length, 'shorten the body, or omit it');
    }
    this.resource = new kgw.DirectResponse(this, 'Resource', {
      metadata: { name: this.responseName },
      spec: { status: props.status, body: props.body },
    });
  }

  /** An `ExtensionRef` filter pointing at this DirectResponse (same namespace as the route). */
  public get filterSpec(): gw.HttpRouteSpecRulesFilters {
    return {
      type: gw.HttpRouteSpecRulesFiltersType.EXTENSION_REF,
      extensionRef: { group: 'gateway.kgateway.dev', kind: 'DirectResponse', name: this.responseName },
    };
  }
}
