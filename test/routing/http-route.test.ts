import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { findObject, setup, synthObjects } from '../util';

describe('HttpRoute', () => {
  it('routes to a Service backend', () => {
    const { app, ns } = setup(['gw', 'models']);
    const gateway = new Gateway(ns.gw, 'gateway', {
      provider: GatewayProvider.KGATEWAY,
      listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces(['models']) })],
    });
    new HttpRoute(ns.models, 'route', {
      parents: [gateway.listener('https')],
      rules: [{ matches: [{ path: PathMatch.prefix('/api') }], backends: [Backend.service('api', 8080)] }],
    });
    const objects = synthObjects(app);
    const route = findObject(objects, 'HTTPRoute', 'route', 'models');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'api', port: 8080 }]);
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'gateway', namespace: 'gw', sectionName: 'https' });
    expect(route).toMatchSnapshot();
  });
});
