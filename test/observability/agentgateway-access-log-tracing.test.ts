import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentgatewayOtlpProtocol, AgentgatewayPolicy } from '../../src/agentgateway/agentgateway-policy';
import { Backend } from '../../src/core/backend';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { AccessLog, DEFAULT_LOG_FIELDS, LogField } from '../../src/observability/access-log';
import { AgentgatewayTracing, tracingFor } from '../../src/observability/tracing';
import { TracingCollector } from '../../src/observability/tracing-collector';
import { HttpRoute } from '../../src/routing/http-route';
import { blockingPolicies } from '../../src/security/network-policy-eval';
import { formatIssue, validateObject } from '../../src/validate';
import { celValue } from '../agentgateway/fixture';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';
import { gatewayOf } from './fixtures';

const NAME_LABEL = 'kubernetes.io/metadata.name';
const jaeger = TracingCollector.jaeger();

describe('AccessLog on agentgateway', () => {
  it('adds the audit fields to the proxies\' request log with an AgentgatewayPolicy on the Gateway, valid for the CRD', () => {
    const { app, ns, platform } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    const log = new AccessLog(ns.edge, 'access-log', { gateway });
    const policy = findObject(synthObjects(app), 'AgentgatewayPolicy', 'gw-access-log', 'edge');
    expect(log.agentgatewayPolicy!.policyName).toBe('gw-access-log');
    expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]);
    const attributes = policy.spec.frontend.accessLog.attributes;
    expect(attributes.add.map((a: { name: string }) => a.name)).toEqual(['method', 'path', 'request_id', 'start_time', 'status', 'tier', 'user_id']);
    // The default `http.path` holds the query string (which may carry a token): the path without it replaces it.
    expect(attributes.remove).toEqual(['http.method', 'http.path', 'http.status']);
    expect(validateObject(policy).map(formatIssue)).toEqual([]);
    // The rest is agentgateway's own fields, under its names; it has no response size.
    expect(log.agentgatewayAttributes().builtIn).toEqual({ latency_ms: 'duration', response_flags: 'reason', route: 'route', upstream_host: 'endpoint' });
    expect(log.agentgatewayAttributes().omitted).toEqual(['bytes_sent']);
    expect(Object.keys(log.format).length).toBe(DEFAULT_LOG_FIELDS.length);
    // JSON lines need the proxies' logging format, which the GatewayClass's parameters set: a setup note.
    const note = platform.setupNotes.find((n) => n.topic === 'agentgateway access log as JSON');
    expect(note?.text).toContain('format: json');
    expect(note?.text).toContain('edge/gw-access-log');
  });

  it('reads the identity the access policy set, and the path without its query, as agentgateway\'s CEL does', () => {
    const { ns } = setup(['edge']);
    const log = new AccessLog(ns.edge, 'access-log', { gateway: gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw'), fields: [LogField.userId(), LogField.tier(), LogField.path(), LogField.requestHeader('client', 'X-Client-Name')] });
    const call = { method: 'POST', path: '/v1/chat/completions', headers: { 'x-user-id': 'team-search', 'x-user-tier': 'free', 'x-client-name': 'cli' } };
    const value = (name: string) => celValue(log.agentgatewayAttributes().add.find((a) => a.name === name)!.expression, {}, call);
    expect(value('user_id')).toBe('team-search');
    expect(value('tier')).toBe('free');
    expect(value('path')).toBe('/v1/chat/completions');
    expect(value('client')).toBe('cli');
  });

  it('refuses credentials and a scope outside the Gateway\'s namespace', () => {
    const { ns } = setup(['edge', 'other']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    expect(() => new AccessLog(ns.edge, 'a', { gateway, fields: [LogField.requestHeader('auth', 'Authorization')] })).toThrow(/fields\.auth would write credentials/);
    expect(() => new AccessLog(ns.other, 'b', { gateway })).toThrow(/test\/other\/b: scope must be the agentgateway Gateway's namespace .*\(received: "other"\)\. Fix: create the AccessLog in namespace 'edge'/);
  });
});

describe('tracing on agentgateway', () => {
  it('sends OTLP/gRPC spans to the collector through the Gateway\'s AgentgatewayPolicy, with a grant and the proxies\' egress', () => {
    const { app, ns } = setup(['edge', 'monitoring']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    expect(tracingFor(ns.edge, 'tracing', { gateway, collector: jaeger, samplingRate: 0.05 })).toBeInstanceOf(AgentgatewayTracing);
    const objects = synthObjects(app);
    const policy = findObject(objects, 'AgentgatewayPolicy', 'gw-tracing', 'edge');
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }],
      frontend: { tracing: { backendRef: { name: 'jaeger-collector', namespace: 'monitoring', port: 4317 }, protocol: 'GRPC', randomSampling: '0.05' } },
    });
    expect(validateObject(policy).map(formatIssue)).toEqual([]);
    // A policy naming a Service of another namespace needs a ReferenceGrant there (controller BuildBackendRef).
    expect(findObject(objects, 'ReferenceGrant', 'tracing-gw', 'monitoring').spec).toEqual({ from: [{ group: 'agentgateway.dev', kind: 'AgentgatewayPolicy', namespace: 'edge' }], to: [{ group: '', kind: 'Service', name: 'jaeger-collector' }] });
    const policies = objectsOfKind(objects, 'NetworkPolicy');
    const proxies = { namespace: 'edge', namespaceLabels: { [NAME_LABEL]: 'edge' }, podLabels: { ...gateway.dataPlane!.labels! } };
    const collector = (port: number) => ({ from: proxies, to: { namespace: 'monitoring', namespaceLabels: { [NAME_LABEL]: 'monitoring' }, podLabels: { app: 'jaeger' } }, port });
    expect(blockingPolicies(policies, collector(4317), 'Egress')).toEqual([]);
    expect(blockingPolicies(policies, collector(4318), 'Egress').length).toBeGreaterThan(0);
  });

  it('writes the sampling fraction as a CEL float, and names the service when asked', () => {
    const { app, ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    const t = new AgentgatewayTracing(ns.edge, 'tracing', { gateway, collector: jaeger, samplingRate: 1, serviceName: 'llm-edge' });
    const tracing = findObject(synthObjects(app), 'AgentgatewayPolicy', 'gw-tracing', 'edge').spec.frontend.tracing;
    expect(tracing.randomSampling).toBe('1.0');
    expect(celValue(tracing.randomSampling, {})).toBe(1);
    expect(tracing.resources).toEqual([{ name: 'service.name', expression: '"llm-edge"' }]);
    expect(celValue(tracing.resources[0].expression, {})).toBe('llm-edge');
    expect(t.policy.policyName).toBe('gw-tracing');
  });

  it('refuses a sampling rate that is not a fraction and a scope outside the Gateway\'s namespace', () => {
    const { ns } = setup(['edge', 'other']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    expect(() => tracingFor(ns.edge, 'a', { gateway, collector: jaeger, samplingRate: 2 })).toThrow(/samplingRate must be a fraction between 0 and 1/);
    expect(() => tracingFor(ns.other, 'b', { gateway, collector: jaeger })).toThrow(/Gateway's namespace 'edge'/);
    expect(() => new AgentgatewayTracing(ns.edge, 'c', { gateway, collector: jaeger, sampling: 0.5 } as never)).toThrow(/test\/edge\/c: .*sampling/);
    expect(() => new AgentgatewayTracing(ns.edge, 'd', { gateway, collector: 'jaeger' as never })).toThrow(/test\/edge\/d: collector .*TracingCollector/);
  });
});

describe('AgentgatewayPolicy frontend', () => {
  it('renders an access log exported over OTLP/HTTP and tracing settings the CRD accepts', () => {
    const { app, ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    new AgentgatewayPolicy(ns.edge, 'frontend', {
      targets: [gateway],
      frontend: {
        accessLog: { filter: 'response.code >= 400', attributes: { add: [{ name: 'user_id', expression: 'request.headers["x-user-id"]' }] }, otlp: { backend: Backend.service('otel', 4318), protocol: AgentgatewayOtlpProtocol.HTTP, path: '/v1/logs' } },
        tracing: { backend: Backend.service('otel', 4317), randomSampling: '0.2', clientSampling: 'true', filter: 'request.path != "/healthz"', attributes: { remove: ['jwt.sub'] } },
      },
    });
    const policy = findObject(synthObjects(app), 'AgentgatewayPolicy', 'frontend', 'edge');
    expect(policy.spec.frontend.accessLog.otlp).toEqual({ backendRef: { name: 'otel', port: 4318 }, protocol: 'HTTP', path: '/v1/logs' });
    expect(policy.spec.frontend.tracing.attributes).toEqual({ remove: ['jwt.sub'] });
    expect(validateObject(policy).map(formatIssue)).toEqual([]);
  });

  it('refuses what the CRD refuses, each with one clear error', () => {
    const { ns } = setup(['edge']);
    const gateway = gatewayOf(ns.edge, GatewayProvider.AGENTGATEWAY, 'gw');
    const route = new HttpRoute(ns.edge, 'r', { parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('vllm', 8000)] }] });
    const tracing = { backend: Backend.service('otel', 4317) };
    expect(() => new AgentgatewayPolicy(ns.edge, 'a', { targets: [route], frontend: { tracing } })).toThrow(/test\/edge\/a: targets are HTTPRoutes, but a policy with frontend settings targets only Gateways/);
    expect(() => new AgentgatewayPolicy(ns.edge, 'b', { targets: [gateway], frontend: { tracing: { ...tracing, path: '/v1/traces' } } })).toThrow(/frontend\.tracing\.path applies to OTLP\/HTTP only/);
    expect(() => new AgentgatewayPolicy(ns.edge, 'c', { targets: [gateway], frontend: { accessLog: { attributes: {} } } })).toThrow(/frontend\.accessLog\.attributes sets neither add nor remove/);
    expect(() => new AgentgatewayPolicy(ns.edge, 'd', { targets: [gateway], frontend: { accessLog: { attributes: { add: [{ name: 'x', expression: 'a' }, { name: 'x', expression: 'b' }] } } } })).toThrow(/frontend\.accessLog\.attributes\.add\[1\]\.name is listed twice/);
    expect(() => new AgentgatewayPolicy(ns.edge, 'e', { targets: [gateway], frontend: {} })).toThrow(/frontend sets nothing/);
    expect(() => new AgentgatewayPolicy(ns.edge, 'f', { targets: [gateway], frontend: { tracing: { ...tracing, randomSampling: '' } } })).toThrow(/frontend\.tracing\.randomSampling must be a non-empty CEL expression/);
  });
});

// The agentgateway mirror is on the development machine only; elsewhere the facts below are taken as cited.
const AGW_REPO = '/work/.mirror/agentgateway+agentgateway/repo';
const upstream = (file: string): string => execFileSync('git', ['-C', AGW_REPO, 'show', `v1.4.1:${file}`], { encoding: 'utf8' });

describe.skipIf(!fs.existsSync(AGW_REPO))('agentgateway v1.4.1 logging and tracing facts', () => {
  it('the default `http.path` field has the query string, CEL `request.path` has not, and the default fields the library maps to exist', () => {
    expect(upstream('crates/agentgateway/src/proxy/httpproxy.rs')).toMatch(/log\.path = Some\([\s\S]{0,200}\.path_and_query\(\)/);
    const types = upstream('crates/agentgateway/src/cel/types.rs');
    expect(types).toContain("/// The request's path. For example, `/path`.\n\tpub path: &'a str,");
    expect(types).toMatch(/pub start_time: ExtensionOrDirect<'a, RequestTime>/);
    const log = upstream('crates/agentgateway/src/telemetry/log.rs');
    for (const field of ['http.path', 'http.method', 'http.status', 'route', 'duration', 'endpoint', 'reason']) expect(log, field).toContain(`"${field}"`);
    // A removed or re-added name drops the default value (FieldSet::has).
    expect(log).toContain('self.remove.contains(k) || self.add.contains_key(k)');
    expect(upstream('crates/agentgateway/src/lib.rs')).toMatch(/pub enum LoggingFormat \{\n\t#\[default\]\n\tText,/);
  });

  it('a frontend tracing or access-log backend of another namespace needs a ReferenceGrant', () => {
    const frontend = upstream('controller/pkg/agentgateway/plugins/frontend_policies.go');
    expect(frontend).toContain('provider, err := BuildBackendRef(ctx, tracing.BackendRef, policy.Namespace)');
    expect(upstream('controller/pkg/agentgateway/plugins/traffic_plugin.go')).toContain('(missing a ReferenceGrant?)');
  });
});
