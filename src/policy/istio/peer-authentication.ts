import { Construct } from 'constructs';
import * as istio from '../../../imports/istio-security.istio.io';
import { assertDnsSubdomain } from '../../core/names';
import { assertOneOf } from '../../core/props';
import { sortRecord } from '../../core/sort-keys';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath } from '../../core/prop-types';

/** Props of {@link PeerAuthentication}. */
export interface PeerAuthenticationProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.mtls.mode`. @default 'STRICT' */
  readonly mode?: 'STRICT' | 'PERMISSIVE' | 'DISABLE';
  /** `spec.selector.matchLabels`: the workloads it applies to. @default - every workload of the namespace */
  readonly selector?: Record<string, string>;
}

/**
 * An Istio `PeerAuthentication` (security.istio.io/v1): whether workloads
 * accept plain-text traffic. `STRICT` accepts only mutual TLS from mesh
 * workloads.
 *
 * @see https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class PeerAuthentication extends Construct {
  /** The L1 object. */
  public readonly resource: istio.PeerAuthentication;

  public constructor(scope: Construct, id: string, props: PeerAuthenticationProps = {}) {
    checkProps(childPath(scope, id), props, 'PeerAuthenticationProps');
    super(scope, id);
    const name = assertDnsSubdomain(this, 'name', props.name ?? id);
    assertOneOf(this, 'mode', props.mode ?? 'STRICT', ['STRICT', 'PERMISSIVE', 'DISABLE']);
    this.resource = new istio.PeerAuthentication(this, 'Resource', {
      metadata: { name },
      spec: {
        selector: props.selector ? { matchLabels: sortRecord(checkedRecord(this, 'selector', props.selector)) } : undefined,
        mtls: { mode: (props.mode ?? 'STRICT') as istio.PeerAuthenticationSpecMtlsMode },
      },
    });
  }
}
