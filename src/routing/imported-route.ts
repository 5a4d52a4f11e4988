import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { assertDnsLabel, assertDnsSubdomain } from '../core/names';
import { IRouteTarget, PolicyTargetRef } from '../core/policy-target';
import { checkProps, childPath } from '../core/prop-types';
import { assertKnownKeys, keysOf } from '../core/props';
import type { RouteImportOptions } from './route-base';

/** A route defined elsewhere, known by name: what a policy needs to attach to it. */
export class ImportedRoute extends Construct implements IRouteTarget {
  public readonly routeName: string;
  public readonly routeNamespace?: string;

  public constructor(scope: Construct, id: string, public readonly routeKind: 'HTTPRoute' | 'GRPCRoute', name: string, options: RouteImportOptions = {}) {
    checkProps(childPath(scope, id), options, 'RouteImportOptions');
    super(scope, id);
    assertKnownKeys(this, '', options, keysOf<RouteImportOptions>({ namespace: true }));
    this.routeName = assertDnsSubdomain(this, 'name', name);
    this.routeNamespace = options.namespace === undefined ? Chart.of(this).namespace : assertDnsLabel(this, 'namespace', options.namespace);
  }

  public get policyTargetRef(): PolicyTargetRef {
    return { group: 'gateway.networking.k8s.io', kind: this.routeKind, name: this.routeName, namespace: this.routeNamespace };
  }
}
