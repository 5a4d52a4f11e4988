import { expect } from 'vitest';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { KubeObject } from '../../../src/delivery/manifest';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { HttpRoute } from '../../../src/routing/http-route';
import { PathMatch } from '../../../src/routing/match';
import { formatIssue, validateObject } from '../../../src/validate';
import { setup } from '../../util';

/**
 * A platform with an Istio Gateway in `gateway` (HTTPS listener admitting
 * routes from `llm`), the namespace `kuadrant-system`, and two routes in
 * `llm`: `qwen3` (`/qwen3`) and `granite` (`/granite`).
 */
export function istioPlatform(options: { readonly requireAccessPolicies?: boolean } = {}) {
  const { app, ns, platform } = setup(['gateway', 'llm', 'kuadrant-system'], options);
  const gateway = new Gateway(ns.gateway, 'maas', {
    provider: GatewayProvider.ISTIO,
    listeners: [Listener.https({ certificates: [SecretRef.named('maas-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.llm]) })],
  });
  const route = (name: string) =>
    new HttpRoute(ns.llm, name, { parents: [gateway.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix(`/${name}`) }], backends: [Backend.service(`${name}-predictor`, 80)] }] });
  return { app, ns, platform, gateway, qwen3: route('qwen3'), granite: route('granite') };
}

/** Asserts that the apiserver (with the pinned CRDs) would accept every object. */
export function expectValid(objects: readonly KubeObject[]): void {
  expect(objects.length).toBeGreaterThan(0);
  expect(objects.flatMap((o) => validateObject(o)).map(formatIssue)).toEqual([]);
}

/** The objects of the Kuadrant engine's kinds (and the ExternalSecrets it emits). */
export function kuadrantObjects(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => /(^|\.)kuadrant\.io\//.test(o.apiVersion) || o.kind === 'ExternalSecret');
}
