import { Construct } from 'constructs';
import * as gw from '../../imports/gateway-gateway.networking.k8s.io';
import { invalid } from '../core/errors';
import { assertDnsLabel, assertDnsSubdomain } from '../core/names';
import { checkProps, childPath, isPlainObject, requireArray } from '../core/prop-types';

/** One `spec.from[]` entry: which objects in which namespace may refer. */
export interface ReferenceGrantFrom {
  /** `group` of the referring kind. @default 'gateway.networking.k8s.io' */
  readonly group?: string;
  /** `kind` of the referring objects, e.g. `HTTPRoute` or `Gateway`. */
  readonly kind: string;
  /** `namespace` of the referring objects. */
  readonly namespace: string;
}

/** One `spec.to[]` entry: which objects of this namespace may be referred to. */
export interface ReferenceGrantTo {
  /** `group` of the target kind. @default '' (core) */
  readonly group?: string;
  /** `kind` of the targets, e.g. `Service` or `Secret`. */
  readonly kind: string;
  /** `name` of one target. @default - every object of the kind */
  readonly name?: string;
}

/** Props of {@link ReferenceGrant}. */
export interface ReferenceGrantProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.from`: 1 to 16 entries. */
  readonly from: readonly ReferenceGrantFrom[];
  /** `spec.to`: 1 to 16 entries. */
  readonly to: readonly ReferenceGrantTo[];
}

/**
 * A Gateway API `ReferenceGrant` (v1): lets objects in other namespaces refer
 * to objects of this one (a route in `ml-models` to a Service here, a Gateway
 * to a certificate Secret here). Routes and Gateways of this library create
 * the grants they need when the target namespace is one of the platform's.
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/referencegrant/
 */
export class ReferenceGrant extends Construct {
  /** The L1 object. */
  public readonly resource: gw.ReferenceGrant;
  /** `metadata.name`. */
  public readonly grantName: string;

  public constructor(scope: Construct, id: string, props: ReferenceGrantProps) {
    checkProps(childPath(scope, id), props, 'ReferenceGrantProps');
    super(scope, id);
    this.grantName = assertDnsSubdomain(this, 'name', props.name ?? id);
    for (const [field, list] of [
      ['from', props.from],
      ['to', props.to],
    ] as const) {
      requireArray(this, field, list, isPlainObject, 'a mapping { group, kind }', `list the ${field === 'from' ? 'referring' : 'target'} kinds explicitly`);
      if (list.length < 1 || list.length > 16) invalid(this, field, 'must have between 1 and 16 entries', list.length, `list the ${field === 'from' ? 'referring' : 'target'} kinds explicitly`);
    }
    props.from.forEach((f, i) => assertDnsLabel(this, `from[${i}].namespace`, f.namespace));
    this.resource = new gw.ReferenceGrant(this, 'Resource', {
      metadata: { name: this.grantName },
      spec: {
        from: props.from.map((f) => ({ group: f.group ?? 'gateway.networking.k8s.io', kind: f.kind, namespace: f.namespace })),
        to: props.to.map((t) => ({ group: t.group ?? '', kind: t.kind, name: t.name })),
      },
    });
  }
}
