import { Construct } from 'constructs';
import * as istio from '../../../imports/istio-security.istio.io';
import { invalid } from '../../core/errors';
import { assertDnsSubdomain } from '../../core/names';
import { assertOneOf } from '../../core/props';
import { sortRecord } from '../../core/sort-keys';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath, isPlainObject, requireArray } from '../../core/prop-types';

/** One rule of an {@link AuthorizationPolicy}: who (`from`) may call what (`to`). */
export interface AuthorizationRule {
  /** `from[].source.principals`: SPIFFE identities `cluster.local/ns/<ns>/sa/<sa>`. @default - any */
  readonly principals?: readonly string[];
  /** `from[].source.namespaces`. @default - any */
  readonly namespaces?: readonly string[];
  /** `to[].operation.ports`. @default - any */
  readonly ports?: readonly number[];
}

/** Props of {@link AuthorizationPolicy}. */
export interface AuthorizationPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.selector.matchLabels`. @default - every workload of the namespace */
  readonly selector?: Record<string, string>;
  /** `spec.action`. @default 'ALLOW' */
  readonly action?: 'ALLOW' | 'DENY';
  /** `spec.rules`: at least one for ALLOW (an ALLOW policy with no rules denies everything). */
  readonly rules: readonly AuthorizationRule[];
}

/**
 * An Istio `AuthorizationPolicy` (security.istio.io/v1): which mesh
 * identities may call the selected workloads. With an ALLOW policy in place,
 * everything it does not allow is denied.
 *
 * @see https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export class AuthorizationPolicy extends Construct {
  /** The L1 object. */
  public readonly resource: istio.AuthorizationPolicy;

  public constructor(scope: Construct, id: string, props: AuthorizationPolicyProps) {
    checkProps(childPath(scope, id), props, 'AuthorizationPolicyProps');
    super(scope, id);
    const name = assertDnsSubdomain(this, 'name', props.name ?? id);
    requireArray(this, 'rules', props.rules, isPlainObject, 'a rule', 'list who may call, e.g. rules: [{ principals: [gatewayPrincipal] }]');
    if (props.rules.length === 0) invalid(this, 'rules', 'must have at least one rule (an empty ALLOW policy denies all traffic)', [], 'list who may call, e.g. { principals: [gatewayPrincipal] }');
    props.rules.forEach((r, i) =>
      r.principals?.forEach((p) => {
        if (!/^[a-z0-9.-]+\/ns\/[a-z0-9-]+\/sa\/[a-z0-9.-]+$/.test(p) && p !== '*') invalid(this, `rules[${i}].principals`, "must be SPIFFE principals 'cluster.local/ns/<namespace>/sa/<service account>'", p, 'use MeshMtls.gatewayPrincipal(...)');
      }),
    );
    assertOneOf(this, 'action', props.action ?? 'ALLOW', ['ALLOW', 'DENY']);
    this.resource = new istio.AuthorizationPolicy(this, 'Resource', {
      metadata: { name },
      spec: {
        selector: props.selector ? { matchLabels: sortRecord(checkedRecord(this, 'selector', props.selector)) } : undefined,
        action: (props.action ?? 'ALLOW') as istio.AuthorizationPolicySpecAction,
        rules: props.rules.map((r) => ({
          from: r.principals || r.namespaces ? [{ source: { principals: r.principals ? [...r.principals] : undefined, namespaces: r.namespaces ? [...r.namespaces] : undefined } }] : undefined,
          to: r.ports ? [{ operation: { ports: r.ports.map(String) } }] : undefined,
        })),
      },
    });
  }
}
