/**
 * Rebuilds the Envoy AI Gateway v1.1.0 examples in
 * `../shared/llm-routing-examples/ai-gateway` through the typed API
 * (`cdk8s-model-serving/aigateway`) and compares every AIGatewayRoute,
 * AIServiceBackend, BackendSecurityPolicy and Envoy Gateway Backend with
 * upstream's, as the apiserver would store them (CRD defaults applied).
 * Upstream writes `namespace: default`, which the library refuses for its
 * own objects: the examples are rebuilt in namespace `llm` and upstream's
 * `default` is read as `llm`.
 *
 * Left out, with the reason:
 * - GatewayClass, Gateway, EnvoyProxy, ClientTrafficPolicy, BackendTrafficPolicy:
 *   Envoy Gateway objects of the gateway and the access intent, rebuilt by
 *   their own tests (test/gateway, test/policy/envoy-gateway); a Gateway is
 *   built here only as the routes' parent.
 * - Deployment, Service, ServiceAccount, Role, RoleBinding, ClusterRole,
 *   ClusterRoleBinding, ConfigMap: upstream's test servers and picker, not
 *   Envoy AI Gateway objects (the picker's are rebuilt in test/inference/upstream-objects.test.ts).
 * - InferencePool, InferenceObjective: test/inference; the objectives of
 *   `inference-pool/*.yaml` are `inference.networking.x-k8s.io/v1alpha2`,
 *   which the pinned CRDs reject (see the examples' README).
 * - BackendTLSPolicy `v1alpha3`: the library writes TLS into the Backend
 *   itself (`spec.tls`, system CAs and SNI), which the comparison then
 *   shows as the one extra path of such Backends.
 * - Secret: the library never writes Secret values (credentials are referenced).
 * - `basic/aws-irsa.yaml` rebuilds its AI Gateway objects; its EnvoyProxy is
 *   invalid for the pinned Envoy Gateway (README).
 * - `inference-pool/aigwroute.yaml` rule 0 matches `Authorization` on a
 *   literal API key: the library refuses credentials written into a
 *   manifest, so that rule is rebuilt without the key matches and compared
 *   for the rest.
 */
import * as path from 'node:path';
import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AIGatewayRoute, AIGatewayRouteBackend, AIGatewayRouteMatch, AIServiceBackend, AIServiceBackendSchema, BackendCredential, BackendEndpoint, BackendSecurityPolicy, EnvoyGatewayBackend } from '../../src/aigateway';
import { Backend } from '../../src/core/backend';
import { SecretRef } from '../../src/core/secret-ref';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HeaderMatch } from '../../src/routing/match';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, isObject, Json, normalize, readObjects } from '../upstream-compare';
import { setup, synthObjects } from '../util';

const DIR = path.resolve(__dirname, '../../../shared/llm-routing-examples/ai-gateway');
const COMPARED = ['AIGatewayRoute', 'AIServiceBackend', 'BackendSecurityPolicy', 'Backend'];
const FILES = [
  'examples__basic__basic.yaml',
  'examples__basic__openai.yaml',
  'examples__basic__aws-irsa.yaml',
  'examples__provider_fallback__base.yaml',
  'examples__stream_idle_timeout__base.yaml',
  'examples__inference-pool__aigwroute.yaml',
  'examples__inference-pool__base.yaml',
];

/** Upstream's `namespace: default` read as `llm`, everywhere. */
function renamespace(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(renamespace);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'namespace' && x === 'default' ? 'llm' : renamespace(x)]));
}

const d = (s: string): Duration => {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s)!;
  const n = Number(m[1]);
  return m[2] === 'ms' ? Duration.millis(n) : m[2] === 's' ? Duration.seconds(n) : m[2] === 'm' ? Duration.minutes(n) : Duration.hours(n);
};

/** The upstream objects of one file, rebuilt with the typed constructs (stand-ins for referenced objects defined elsewhere). */
function rebuild(docs: readonly Json[]) {
  const f = setup(['llm'], { requireAccessPolicies: false });
  const ns = f.ns.llm;
  const tlsHosts = new Map(docs.filter((o) => o.kind === 'BackendTLSPolicy').map((o: any) => [o.spec.targetRefs[0].name as string, o.spec.validation.hostname as string]));
  const egBackends = new Map<string, EnvoyGatewayBackend>();
  for (const o of docs.filter((x: any) => x.kind === 'Backend' && x.apiVersion.startsWith('gateway.envoyproxy.io/')) as any[]) {
    const endpoints = o.spec.endpoints.map((e: any) => (e.fqdn ? BackendEndpoint.fqdn(e.fqdn.hostname, e.fqdn.port) : BackendEndpoint.ip(e.ip.address, e.ip.port)));
    const sni = tlsHosts.get(o.metadata.name);
    egBackends.set(o.metadata.name, new EnvoyGatewayBackend(ns, `backend-${o.metadata.name}`, { name: o.metadata.name, endpoints, tls: sni === undefined ? undefined : { sni } }));
  }
  const aiBackends = new Map<string, AIServiceBackend>();
  for (const o of docs.filter((x) => x.kind === 'AIServiceBackend') as any[]) {
    aiBackends.set(
      o.metadata.name,
      new AIServiceBackend(ns, `ai-${o.metadata.name}`, { name: o.metadata.name, schema: o.spec.schema.name as AIServiceBackendSchema, schemaVersion: o.spec.schema.version, schemaPrefix: o.spec.schema.prefix, backend: egBackends.get(o.spec.backendRef.name)! }),
    );
  }
  const standIn = (name: string): AIServiceBackend => {
    const known = aiBackends.get(name);
    if (known) return known;
    const backend = new EnvoyGatewayBackend(ns, `standin-backend-${name}`, { name: `standin-${name}`, endpoints: [BackendEndpoint.fqdn(`${name}.llm.svc.cluster.local`, 80)] });
    const made = new AIServiceBackend(ns, `standin-${name}`, { name, schema: AIServiceBackendSchema.OPENAI, backend });
    aiBackends.set(name, made);
    return made;
  };
  for (const o of docs.filter((x) => x.kind === 'BackendSecurityPolicy') as any[]) {
    const s = o.spec;
    const secret = (ref: any) => SecretRef.named(ref.name, { namespace: ref.namespace });
    const credential =
      s.type === 'APIKey'
        ? BackendCredential.apiKey(secret(s.apiKey.secretRef))
        : s.awsCredentials.credentialsFile
          ? BackendCredential.awsCredentialsFile(s.awsCredentials.region, secret(s.awsCredentials.credentialsFile.secretRef), s.awsCredentials.credentialsFile.profile)
          : BackendCredential.awsDefaultChain(s.awsCredentials.region);
    new BackendSecurityPolicy(ns, `bsp-${o.metadata.name}`, { name: o.metadata.name, targets: s.targetRefs.map((t: any) => standIn(t.name)), credential });
  }
  const gateways = new Map<string, Gateway>();
  for (const o of docs.filter((x) => x.kind === 'AIGatewayRoute') as any[]) {
    const parents = o.spec.parentRefs.map((p: any) => {
      if (!gateways.has(p.name)) gateways.set(p.name, new Gateway(ns, `gw-${p.name}`, { name: p.name, provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.http()] }));
      return gateways.get(p.name)!;
    });
    const route = new AIGatewayRoute(ns, `route-${o.metadata.name}`, {
      name: o.metadata.name,
      parents,
      rules: o.spec.rules.map((r: any) => ({
        name: r.name,
        matches: r.matches?.map((m: any): AIGatewayRouteMatch => ({ headers: m.headers.filter((h: any) => h.name !== 'Authorization').map((h: any) => HeaderMatch.exact(h.name, h.value)) })),
        backends: r.backendRefs.map(
          (b: any): AIGatewayRouteBackend => ({
            backend: b.kind === 'InferencePool' ? Backend.ref({ group: b.group, kind: b.kind, name: b.name }) : standIn(b.name),
            modelNameOverride: b.modelNameOverride,
            weight: b.weight,
            priority: b.priority,
          }),
        ),
        requestTimeout: r.timeouts?.request === undefined ? undefined : d(r.timeouts.request),
        streamIdleTimeout: r.streamIdleTimeout === undefined ? undefined : d(r.streamIdleTimeout),
        modelsOwnedBy: r.modelsOwnedBy,
      })),
    });
    route.allowPublicAccess('upstream example, rebuilt for comparison');
  }
  return f;
}

/** Our object named like `u`, after the same normalization. */
function ours(objects: readonly Json[], u: Json): Json | undefined {
  const name = (u.metadata as Json).name;
  return objects.find((o) => o.kind === u.kind && (o.metadata as Json).name === name);
}

/** A rule-0 match that carried literal API keys, as rebuilt (see the file comment). */
const dropAuthorizationMatches = (u: Json): Json => {
  const copy = structuredClone(u) as any;
  for (const r of copy.spec?.rules ?? []) for (const m of r.matches ?? []) m.headers = m.headers.filter((h: any) => h.name !== 'Authorization');
  return copy;
};

describe('Envoy AI Gateway v1.1.0 examples, rebuilt through the typed API', () => {
  it.each(FILES)('%s', (file) => {
    const docs = readObjects(path.join(DIR, file)).map((o) => renamespace(o) as Json);
    const f = rebuild(docs);
    const objects = synthObjects(f.app) as unknown as Json[];
    const compared = docs.filter((o) => COMPARED.includes(o.kind as string) && (o.kind !== 'Backend' || String(o.apiVersion).startsWith('gateway.envoyproxy.io/')));
    expect(compared.length).toBeGreaterThan(0);
    for (const raw of compared) {
      const u = dropAuthorizationMatches(raw);
      const o = ours(objects, u);
      expect(o, `${u.kind as string}/${(u.metadata as Json).name as string}`).toBeDefined();
      const c = compareWithUpstream(normalize(u), normalize(o!));
      expect(c.missing, `${u.kind as string}/${(u.metadata as Json).name as string}`).toEqual([]);
      // Ours adds the platform labels, and TLS inside a Backend that upstream secures with a BackendTLSPolicy.
      const allowed = (p: string) => p.startsWith("metadata.labels['app.kubernetes.io/") || (u.kind === 'Backend' && p === 'spec.tls');
      expect(c.extra.filter((p) => !allowed(p)), `${u.kind as string}/${(u.metadata as Json).name as string}`).toEqual([]);
      expect(validateObject(o as never).map(formatIssue)).toEqual([]);
    }
  });

  it('the only Backend TLS it writes is what upstream asks with a BackendTLSPolicy: system CAs, SNI = the validated host name', () => {
    const docs = readObjects(path.join(DIR, 'examples__basic__openai.yaml')).map((o) => renamespace(o) as Json);
    const objects = synthObjects(rebuild(docs).app) as unknown as Json[];
    const backend = objects.find((o) => o.kind === 'Backend') as any;
    expect(backend.spec.tls).toEqual({ sni: 'api.openai.com', wellKnownCACertificates: 'System' });
  });
});
