import { describe, expect, it } from 'vitest';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { EnvoyGatewayTracing, IstioTracing, KgatewayTracing, KongTracing, tracingFor } from '../../src/observability/tracing';
import { TracingCollector } from '../../src/observability/tracing-collector';
import { findObject, setup, synthObjects } from '../util';
import { gatewayOf } from './fixtures';

const jaeger = TracingCollector.jaeger();

describe('tracing', () => {
  it('points kgateway listeners at the collector with a ReferenceGrant and an egress rule', () => {
    const { app, ns } = setup(['edge', 'monitoring']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.KGATEWAY, 'gw');
    expect(tracingFor(ns.edge, 'tracing', { gateway, collector: jaeger, samplingRate: 0.05 })).toBeInstanceOf(KgatewayTracing);
    const objects = synthObjects(app);
    const policy = findObject(objects, 'HTTPListenerPolicy', 'gw-listener', 'edge');
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }],
      tracing: { provider: { openTelemetry: { grpcService: { backendRef: { name: 'jaeger-collector', namespace: 'monitoring', port: 4317 } } } }, randomSampling: 5 },
    });
    const grant = findObject(objects, 'ReferenceGrant', 'tracing-gw', 'monitoring');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.kgateway.dev', kind: 'HTTPListenerPolicy', namespace: 'edge' }], to: [{ group: '', kind: 'Service', name: 'jaeger-collector' }] });
    const egress = findObject(objects, 'NetworkPolicy', 'allow-tracing-gw', 'edge');
    expect(egress.spec.egress[0].ports).toEqual([{ port: 4317, protocol: 'TCP' }]);
    expect(policy).toMatchSnapshot();
  });

  it('configures Envoy Gateway through an EnvoyProxy with a sampling fraction', () => {
    const { app, ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.ENVOY_GATEWAY, 'gw');
    const t = tracingFor(ns.edge, 'tracing', { gateway, collector: jaeger, samplingRate: 0.005, serviceName: 'edge-gateway' }) as EnvoyGatewayTracing;
    expect(t).toBeInstanceOf(EnvoyGatewayTracing);
    expect(t.parametersRef).toEqual({ group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'gw-proxy' });
    const proxy = findObject(synthObjects(app), 'EnvoyProxy', 'gw-proxy', 'edge');
    expect(findObject(synthObjects(app), 'Gateway', 'gw', 'edge').spec.infrastructure.parametersRef).toEqual(t.parametersRef);
    expect(proxy.spec.telemetry.tracing).toEqual({
      provider: { type: 'OpenTelemetry', backendRefs: [{ name: 'jaeger-collector', namespace: 'monitoring', port: 4317 }], serviceName: 'edge-gateway' },
      samplingFraction: { numerator: 50, denominator: 10000 },
    });
  });

  it('selects Istio gateway proxies with a Telemetry and names the mesh provider', () => {
    const { app, ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.ISTIO, 'gw');
    const t = tracingFor(ns.edge, 'tracing', { gateway, collector: jaeger, samplingRate: 0.25 }) as IstioTracing;
    const telemetry = findObject(synthObjects(app), 'Telemetry', 'gw-tracing', 'edge');
    expect(telemetry.spec).toEqual({ selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'gw' } }, tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 25 }] });
    expect(t.meshConfigExtensionProvider()).toEqual({ name: 'otel-tracing', opentelemetry: { service: 'jaeger-collector.monitoring.svc.cluster.local', port: 4317 } });
  });

  it('sends Kong spans over OTLP/HTTP', () => {
    const { app, ns } = setup(['kong']);
    new KongTracing(ns.kong, 'tracing', { collector: jaeger, samplingRate: 0.2 });
    const plugin = findObject(synthObjects(app), 'KongPlugin', 'opentelemetry', 'kong') as any;
    expect(plugin.plugin).toBe('opentelemetry');
    expect(plugin.config).toEqual({ sampling_rate: 0.2, traces_endpoint: 'http://jaeger-collector.monitoring.svc.cluster.local:4318/v1/traces' });
    expect(KongTracing.kongEnvironment()).toEqual({ KONG_TRACING_INSTRUMENTATIONS: 'all', KONG_TRACING_SAMPLING_RATE: '1.0' });
  });

  it('fails when the sampling rate is not a fraction, or not a whole percentage for kgateway', () => {
    const { ns } = setup(['edge']);
    const kg = gatewayOf(ns.edge, GatewayProvider.KGATEWAY, 'gw');
    expect(() => tracingFor(ns.edge, 'a', { gateway: kg, collector: jaeger, samplingRate: 10 })).toThrow(/between 0 and 1/);
    expect(() => tracingFor(ns.edge, 'b', { gateway: kg, collector: jaeger, samplingRate: 0.005 })).toThrow(/whole percentage/);
  });

  it('fails for Kong gateways and tracing outside the Gateway namespace', () => {
    const { ns } = setup(['edge', 'other']);
    expect(() => tracingFor(ns.edge, 'a', { gateway: gatewayOf(ns.edge, GatewayProvider.KONG), collector: jaeger })).toThrow(/KongTracing/);
    expect(() => tracingFor(ns.other, 'b', { gateway: gatewayOf(ns.edge, GatewayProvider.KGATEWAY), collector: jaeger })).toThrow(/Gateway's namespace 'edge'/);
  });

  it('fails when the collector name is not a DNS label', () => {
    expect(() => TracingCollector.otlp('Jaeger_Collector')).toThrow(/DNS-1123 label/);
  });
});
