import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { findObject, setup, synthObjects } from '../util';

function gatewayIn(listeners: Listener[]) {
  const { app, ns } = setup(['edge']);
  const gateway = new Gateway(ns.edge, 'gw', { provider: GatewayProvider.KGATEWAY, listeners });
  return { app, ns, gateway };
}

describe('Gateway', () => {
  it('renders HTTP and HTTPS listeners; the HTTPS one references its certificate Secret', () => {
    const { app } = gatewayIn([
      Listener.http(),
      Listener.https({ hostname: 'models.example.com', certificates: [SecretRef.named('models-cert')], allowedRoutes: AllowedRoutes.fromNamespaces(['models', 'edge']) }),
    ]);
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
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
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
