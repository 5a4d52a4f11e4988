import { describe, expect, it } from 'vitest';
import { Namespace } from '../../src/core/namespace';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway, GatewayAddress } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { Backend } from '../../src/core/backend';
import { HttpRoute } from '../../src/routing/http-route';
import { findObject, setup, synthObjects } from '../util';

function gatewayIn(listeners: Listener[] | ((ns: Record<string, Namespace>) => Listener[]), namespaces: readonly string[] = ['edge']) {
  const { app, ns } = setup(namespaces);
  const gateway = new Gateway(ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners: typeof listeners === 'function' ? listeners(ns) : listeners });
  return { app, ns, gateway };
}

describe('Gateway', () => {
  it('renders HTTP and HTTPS listeners; the HTTPS one references its certificate Secret', () => {
    const { app } = gatewayIn(
      (ns) => [
        Listener.http(),
        Listener.https({ hostname: 'models.example.com', certificates: [SecretRef.named('models-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models, ns.edge]) }),
      ],
      ['edge', 'models'],
    );
    const objects = synthObjects(app);
    const gw = findObject(objects, 'Gateway', 'gw', 'edge');
    expect(gw.spec.gatewayClassName).toBe('kgateway');
    const https = gw.spec.listeners.find((l: { name: string }) => l.name === 'https');
    expect(https).toMatchObject({ protocol: 'HTTPS', port: 443, hostname: 'models.example.com' });
    expect(https.tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'models-cert' }] });
    expect(https.allowedRoutes.namespaces.selector.matchExpressions).toEqual([
      { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['edge', 'models'] },
    ]);
    const http = gw.spec.listeners.find((l: { name: string }) => l.name === 'http');
    expect(http).toMatchObject({ protocol: 'HTTP', port: 80, allowedRoutes: { namespaces: { from: 'Same' } } });
    expect(http.tls).toBeUndefined();
    expect(gw).toMatchSnapshot();
  });

  it('opens each listener port to the proxy pods, and only to them', () => {
    const { app } = gatewayIn([Listener.https({ certificates: [SecretRef.named('c')] })]);
    const policy = findObject(synthObjects(app), 'NetworkPolicy', 'allow-gw-https', 'edge');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } });
    // kgateway binds privileged listener ports at port + 8000 unless port mapping is disabled: both are opened.
    expect(policy.spec.ingress[0].ports).toEqual([
      { port: 443, protocol: 'TCP' },
      { port: 8443, protocol: 'TCP' },
    ]);
  });

  it.each<[string, GatewayProvider, number, number[]]>([
    ['kgateway, privileged', GatewayProvider.KGATEWAY, 80, [80, 8080]],
    ['kgateway, unprivileged', GatewayProvider.KGATEWAY, 8443, [8443]],
    ['Envoy Gateway, privileged', GatewayProvider.ENVOY_GATEWAY, 443, [10443]],
    ['Envoy Gateway, unprivileged', GatewayProvider.ENVOY_GATEWAY, 9443, [9443]],
    ['Istio (binds the listener port)', GatewayProvider.ISTIO, 443, [443]],
    ["Kong (the library's proxy serves 443 on 8443)", GatewayProvider.KONG, 443, [8443]],
    ['a custom provider without a mapping', GatewayProvider.custom('x', 'x'), 443, [443]],
  ])('NetworkPolicies open the pod ports a listener is served on: %s', (_what, provider, listenerPort, podPorts) => {
    expect(provider.podPorts(listenerPort)).toEqual(podPorts);
  });

  it('listener() gives a parent reference with sectionName', () => {
    const { gateway } = gatewayIn([Listener.https({ certificates: [SecretRef.named('c')] })]);
    expect(gateway.listener('https').parentRef).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'edge', sectionName: 'https' });
  });

  it('fromGatewayName refers to a Gateway defined elsewhere', () => {
    const { ns } = setup(['models']);
    const imported = Gateway.fromGatewayName(ns.models, 'shared', 'shared-gateway', { namespace: 'infra', listenerNames: ['https'] });
    expect(imported.listener('https').parentRef).toMatchObject({ name: 'shared-gateway', namespace: 'infra', sectionName: 'https' });
    expect(() => imported.listener('http')).toThrow(/sectionName names no listener of Gateway 'shared-gateway' \(received: "http"\)\. Fix: use one of: https/);
  });

  it("fromGatewayName without a namespace means the route's own namespace: parentRefs name no namespace", () => {
    const { app, ns } = setup(['models'], { requireAccessPolicies: false });
    const imported = Gateway.fromGatewayName(ns.models, 'local', 'local-gateway');
    expect(imported.gatewayNamespace).toBeUndefined();
    expect(imported.dataPlane).toBeUndefined();
    new HttpRoute(ns.models, 'r', { parents: [imported.listener('http')], rules: [{ backends: [Backend.service('svc', 8080)] }] });
    expect(findObject(synthObjects(app), 'HTTPRoute', 'r', 'models').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'local-gateway', sectionName: 'http' }]);
  });

  it('renders spec.addresses and the backend client certificate only when set', () => {
    const { app, ns } = setup(['edge']);
    new Gateway(ns.edge, 'plain', { provider: GatewayProvider.KGATEWAY, listeners: [Listener.http()] });
    new Gateway(ns.edge, 'pinned', {
      provider: GatewayProvider.KGATEWAY,
      addresses: [GatewayAddress.ipAddress('192.0.2.10'), GatewayAddress.ipAddress('2001:DB8::1'), GatewayAddress.hostname('lb.example.com')],
      backendClientCertificate: SecretRef.named('gateway-client-cert'),
      listeners: [Listener.http()],
    });
    const objects = synthObjects(app);
    const plain = findObject(objects, 'Gateway', 'plain', 'edge');
    expect(plain.spec.addresses).toBeUndefined();
    expect(plain.spec.tls).toBeUndefined();
    const pinned = findObject(objects, 'Gateway', 'pinned', 'edge');
    expect(pinned.spec.addresses).toEqual([
      { type: 'IPAddress', value: '192.0.2.10' },
      { type: 'IPAddress', value: '2001:DB8::1' },
      { type: 'Hostname', value: 'lb.example.com' },
    ]);
    expect(pinned.spec.tls).toEqual({ backend: { clientCertificateRef: { group: '', kind: 'Secret', name: 'gateway-client-cert' } } });
  });

  it('renders client certificate validation (spec.tls.frontend) with a default and per-port CA bundles', () => {
    const { app, ns } = setup(['edge']);
    new Gateway(ns.edge, 'mtls', {
      provider: GatewayProvider.KGATEWAY,
      clientCertificateValidation: { caBundles: [{ configMapName: 'clients-ca' }], perPort: [{ port: 8443, caBundles: [{ configMapName: 'partners-ca', namespace: 'pki' }] }] },
      listeners: [Listener.https({ certificates: [SecretRef.named('c')] }), Listener.https({ name: 'partners', port: 8443, certificates: [SecretRef.named('c')] })],
    });
    expect(findObject(synthObjects(app), 'Gateway', 'mtls', 'edge').spec.tls).toEqual({
      frontend: {
        default: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'clients-ca' }] } },
        perPort: [{ port: 8443, tls: { validation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'partners-ca', namespace: 'pki' }] } } }],
      },
    });
  });

  it('fails when client certificate validation has no CA bundle, or repeats a port', () => {
    const { ns } = setup(['edge']);
    const gw = (id: string, clientCertificateValidation: ConstructorParameters<typeof Gateway>[2]['clientCertificateValidation']) =>
      new Gateway(ns.edge, id, { provider: GatewayProvider.KGATEWAY, clientCertificateValidation, listeners: [Listener.https({ certificates: [SecretRef.named('c')] })] });
    expect(() => gw('a', { caBundles: [] })).toThrow(/clientCertificateValidation\.caBundles must list between 1 and 16 CA bundles \(received: 0\)/);
    const ca = [{ configMapName: 'ca' }];
    expect(() => gw('b', { caBundles: ca, perPort: [{ port: 443, caBundles: ca }, { port: 443, caBundles: ca }] })).toThrow(/perPort\[1\]\.port is listed twice \(received: 443\)/);
  });

  it('fails when an address is not of its type, or there are more than 16', () => {
    const { ns } = setup(['edge']);
    const gw = (id: string, addresses: GatewayAddress[]) => new Gateway(ns.edge, id, { provider: GatewayProvider.KGATEWAY, addresses, listeners: [Listener.http()] });
    expect(() => gw('a', [GatewayAddress.ipAddress('lb.example.com')])).toThrow(/addresses\[0\]\.value must be an IPv4 or IPv6 address \(received: "lb.example.com"\)/);
    expect(() => gw('b', [GatewayAddress.hostname('*.example.com')])).toThrow(/addresses\[0\]\.value must be a lower-case DNS name \(no wildcard\)/);
    expect(() => gw('c', Array.from({ length: 17 }, (_, i) => GatewayAddress.ipAddress(`192.0.2.${i}`)))).toThrow(/addresses can hold at most 16 addresses \(received: 17\)/);
  });

  it('fails when an HTTPS listener has no certificate', () => {
    expect(() => gatewayIn([Listener.https({ certificates: [] })])).toThrow(
      /test\/edge\/gw: listeners\[https\]\.tls\.certificateRefs needs at least one certificate Secret for an HTTPS listener \(received: \[\]\)\. Fix: pass certificates/,
    );
  });

  it('fails when two listeners share a name', () => {
    expect(() => gatewayIn([Listener.http(), Listener.http({ port: 8080 })])).toThrow(/listeners\[http\]\.name is already used by another listener/);
  });

  it('fails when two listeners repeat port, protocol and hostname', () => {
    expect(() => gatewayIn([Listener.http(), Listener.http({ name: 'other' })])).toThrow(/repeats the port\/protocol\/hostname of listener 'http'/);
  });

  it('fails when a port is out of range', () => {
    expect(() => gatewayIn([Listener.http({ port: 70000 })])).toThrow(/listeners\[http\]\.port must be an integer between 1 and 65535 \(received: 70000\)/);
  });

  it('fails when a hostname is an IP address or has upper case', () => {
    expect(() => gatewayIn([Listener.http({ hostname: '10.0.0.1' })])).toThrow(/hostname must be a lower-case DNS name.*\(received: "10.0.0.1"\)/);
    expect(() => gatewayIn([Listener.http({ hostname: 'Models.example.com' })])).toThrow(/hostname must be a lower-case DNS name/);
  });

  it('fails when the name is not a DNS-1123 label', () => {
    const { ns } = setup(['edge']);
    expect(() => new Gateway(ns.edge, 'My_Gateway', { provider: GatewayProvider.KGATEWAY })).toThrow(/test\/edge\/My_Gateway: name must be a DNS-1123 label.*\(received: "My_Gateway"\)\. Fix: use a name such as "my-gateway"/);
  });

  it('fails at synth when it has no listener', () => {
    const { app, ns } = setup(['edge']);
    new Gateway(ns.edge, 'empty', { provider: GatewayProvider.KGATEWAY });
    expect(() => synthObjects(app)).toThrow(/test\/edge\/empty: spec\.listeners must have at least one listener/);
  });

  it('fails when neither provider nor class name is given', () => {
    const { ns } = setup(['edge']);
    expect(() => new Gateway(ns.edge, 'gw', {})).toThrow(/gatewayClassName is required when no provider is given/);
  });
});
