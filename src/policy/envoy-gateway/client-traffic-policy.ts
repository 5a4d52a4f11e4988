import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as eg from '../../../imports/envoygateway-gateway.envoyproxy.io';
import { errorMessage, invalid } from '../../core/errors';
import { isHttpHeaderName } from '../../core/http-header';
import { assertDnsSubdomain } from '../../core/names';
import { checkTargets, PolicyTarget } from './policy-target';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath } from '../../core/prop-types';

const MAX_HEADER_EDITS = 64;

/** Props of {@link ClientTrafficPolicy}. */
export interface ClientTrafficPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs`: Gateways or listeners of the policy's namespace. */
  readonly targets: readonly PolicyTarget[];
  /**
   * `spec.headers.earlyRequestHeaders.remove`: request headers dropped as
   * soon as the request arrives, before routing and before any filter
   * (authentication, authorization, rate limiting) runs; at most 64. More
   * with {@link ClientTrafficPolicy.removeEarlyRequestHeaders}.
   * @default - none
   */
  readonly removeEarlyRequestHeaders?: readonly string[];
  /**
   * `spec.headers.earlyRequestHeaders.set`: request headers set (replacing
   * client values) before routing; at most 64.
   * @default - none
   */
  readonly setEarlyRequestHeaders?: Readonly<Record<string, string>>;
}

/**
 * Envoy Gateway's `ClientTrafficPolicy` (gateway.envoyproxy.io/v1alpha1),
 * early request header part (`spec.headers.earlyRequestHeaders`): header
 * edits applied when a request enters the Gateway, before any filter runs.
 * Dropping client copies of the identity headers that authentication later
 * sets (JWT `claimToHeaders` appends to client values) keeps them from
 * being spoofed. Other settings of the kind (TLS, timeouts, client IP
 * detection) are not modelled by this construct.
 *
 * Only one ClientTrafficPolicy applies to a listener: one on a listener
 * replaces one on the whole Gateway, and of two on the same target the
 * older wins (the other is reported as Conflicted).
 *
 * Header names are kept sorted and unique (the order has no meaning).
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#clienttrafficpolicy
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#headersettings
 */
export class ClientTrafficPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** `spec.targetRefs`. */
  public readonly targets: readonly PolicyTarget[];
  /** The L1 object. */
  public readonly resource: eg.ClientTrafficPolicy;
  private readonly removed = new Set<string>();
  private readonly set = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: ClientTrafficPolicyProps) {
    checkProps(childPath(scope, id), props, 'ClientTrafficPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const targetRefs = checkTargets(this, Chart.of(this).namespace, props.targets, ['Gateway']);
    this.targets = [...props.targets];
    this.resource = new eg.ClientTrafficPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: Lazy.any({
        produce: (): eg.ClientTrafficPolicySpec => ({
          targetRefs,
          headers: {
            earlyRequestHeaders: {
              remove: this.removed.size > 0 ? [...this.removed].sort() : undefined,
              set: this.set.size > 0 ? [...this.set.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value })) : undefined,
            },
          },
        }),
      }) as unknown as eg.ClientTrafficPolicySpec,
    });
    this.removeEarlyRequestHeaders(...(props.removeEarlyRequestHeaders ?? []));
    for (const [name, value] of Object.entries(checkedRecord(this, 'setEarlyRequestHeaders', props.setEarlyRequestHeaders) ?? {})) this.setEarlyRequestHeader(name, value);
    this.node.addValidation({
      validate: () => (this.removed.size + this.set.size === 0 ? [errorMessage(this, 'spec.headers.earlyRequestHeaders', 'has no edit', {}, 'remove or set a header, or remove the policy.')] : []),
    });
  }

  /** The headers removed early, sorted. */
  public get removedHeaders(): readonly string[] {
    return [...this.removed].sort();
  }

  /**
   * Drops request headers on arrival (`earlyRequestHeaders.remove`). Names
   * are compared case-insensitively and stored lower-case; adding a name
   * twice is harmless.
   *
   * @throws ModelServingError for a name that is not an HTTP header name, a
   *   header also set, or more than 64 names
   */
  public removeEarlyRequestHeaders(...names: string[]): void {
    for (const raw of names) {
      const name = this.checkName('removeEarlyRequestHeaders', raw);
      if (this.set.has(name)) invalid(this, 'removeEarlyRequestHeaders', 'names a header that is also set', raw, 'either remove or set the header');
      if (!this.removed.has(name) && this.removed.size >= MAX_HEADER_EDITS) invalid(this, 'removeEarlyRequestHeaders', `can hold at most ${MAX_HEADER_EDITS} names`, this.removed.size + 1, 'remove fewer headers');
      this.removed.add(name);
    }
  }

  /**
   * Sets a request header on arrival (`earlyRequestHeaders.set`), replacing
   * any client value.
   *
   * @throws ModelServingError for a bad name, an empty or over-long value, a
   *   header set twice or also removed, or more than 64 headers
   */
  public setEarlyRequestHeader(name: string, value: string): void {
    const n = this.checkName('setEarlyRequestHeaders', name);
    if (this.set.has(n)) invalid(this, `setEarlyRequestHeaders.${name}`, 'is set twice', value, 'set each header once');
    if (this.removed.has(n)) invalid(this, `setEarlyRequestHeaders.${name}`, 'names a header that is also removed', value, 'either remove or set the header');
    if (value.length < 1 || value.length > 4096 || !/^[!-~]+([\t ]?[!-~]+)*$/.test(value)) invalid(this, `setEarlyRequestHeaders.${name}`, 'must be 1 to 4096 printable ASCII characters', value, 'use a plain ASCII value');
    if (this.set.size >= MAX_HEADER_EDITS) invalid(this, 'setEarlyRequestHeaders', `can hold at most ${MAX_HEADER_EDITS} headers`, this.set.size + 1, 'set fewer headers');
    this.set.set(n, value);
  }

  private checkName(field: string, name: string): string {
    if (!isHttpHeaderName(name) || name.length > 256) invalid(this, field, 'must contain HTTP header names of at most 256 characters', name, 'use e.g. x-user-id');
    return name.toLowerCase();
  }
}
