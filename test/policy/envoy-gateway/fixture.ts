import { expect } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { KubeObject } from '../../../src/delivery/manifest';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { HttpRoute } from '../../../src/routing/http-route';
import { formatIssue, validateObject } from '../../../src/validate';
import { setup } from '../../util';

/**
 * A platform with an Envoy Gateway in `edge` (HTTPS listener admitting
 * routes from `models`) and two routes in `models`: `iris` and `mnist`.
 */
export function egPlatform(options: { readonly requireAccessPolicies?: boolean } = {}) {
  const { app, ns, platform } = setup(['edge', 'models'], options);
  const gateway = new Gateway(ns.edge, 'gateway', {
    provider: GatewayProvider.ENVOY_GATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })],
  });
  const iris = new HttpRoute(ns.models, 'iris', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('iris-predictor', 80)] }] });
  const mnist = new HttpRoute(ns.models, 'mnist', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('mnist-predictor', 80)] }] });
  return { app, ns, platform, gateway, iris, mnist };
}

/** Asserts that the apiserver (with the pinned CRDs) would accept every object. */
export function expectValid(objects: readonly KubeObject[]): void {
  expect(objects.length).toBeGreaterThan(0);
  expect(objects.flatMap((o) => validateObject(o)).map(formatIssue)).toEqual([]);
}
