/**
 * Upstream Kuadrant examples (`../shared/examples/kuadrant`) rebuilt through
 * the L2 constructs and compared with the upstream objects after both get
 * the CRD defaults (`applyDefaults`, as the apiserver stores them).
 *
 * The only differences allowed, asserted explicitly per object:
 * - metadata: the platform labels `app.kubernetes.io/managed-by` and
 *   `app.kubernetes.io/part-of` (unless upstream sets them), and a namespace
 *   for upstream objects that have none;
 * - TLSPolicy: the secure defaults `privateKey` (ECDSA P-256, rotated),
 *   `duration` (2160h) and `renewBefore` (720h).
 *
 * Not rebuilt: the files `KNOWN-INVALID.md` lists (rejected by the pinned
 * CRDs); the API-key `Secret`s of the chargeback demos (they hold literal
 * keys, which this library never emits: keys come by ExternalSecret);
 * DNSPolicy, ThreatPolicy and OIDCPolicy (no L1 class imported); and the
 * non-Kuadrant kinds of the demos (Deployments, Services, Istio objects).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeObject } from '../../../src/delivery/manifest';
import { Gateway } from '../../../src/gateway/gateway';
import { GrpcRoute } from '../../../src/routing/grpc-route';
import { HttpRoute } from '../../../src/routing/http-route';
import { SecretRef } from '../../../src/core/secret-ref';
import {
  AuthPolicy,
  CertificateIssuer,
  Kuadrant,
  Limitador,
  LimitadorStorage,
  PolicyTarget,
  Precedence,
  RateLimitPolicy,
  TelemetryPolicy,
  TlsPolicy,
  TokenRateLimitPolicy,
} from '../../../src/policy/kuadrant';
import * as kuadrant from '../../../imports/kuadrant-kuadrant.io';
import { applyDefaults, readYamlObjects } from '../../../src/validate';
import { findObject, setup, synthObjects } from '../../util';
import { expectValid } from './fixture';

const EXAMPLES = path.resolve(__dirname, '../../../../shared/examples/kuadrant');
const PLATFORM_LABELS = ['app.kubernetes.io/managed-by', 'app.kubernetes.io/part-of'];

/** The one upstream object of `kind` named `name` in `file`. */
function upstream(file: string, kind: string, name: string): KubeObject {
  const { objects, syntaxIssues } = readYamlObjects([path.join(EXAMPLES, file)]);
  expect(syntaxIssues).toEqual([]);
  const found = objects.map((o) => o.object as KubeObject).filter((o) => o.kind === kind && o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * Asserts that `ours` is the upstream object modulo CRD defaults: same
 * apiVersion, kind, name, namespace (when upstream has one), upstream labels
 * plus only the platform labels, and the same spec plus exactly `extraSpec`.
 */
function expectRebuilt(ours: KubeObject, theirs: KubeObject, extraSpec: Record<string, unknown> = {}): void {
  const a = applyDefaults(ours);
  const b = applyDefaults(theirs);
  expect([a.apiVersion, a.kind, a.metadata.name]).toEqual([b.apiVersion, b.kind, b.metadata.name]);
  if (b.metadata.namespace !== undefined) expect(a.metadata.namespace).toBe(b.metadata.namespace);
  const theirLabels = b.metadata.labels ?? {};
  expect(a.metadata.labels).toMatchObject(theirLabels);
  expect(Object.keys(a.metadata.labels ?? {}).filter((k) => !(k in theirLabels))).toEqual(PLATFORM_LABELS.filter((k) => !(k in theirLabels)));
  expect(a.spec).toEqual({ ...(b.spec as Record<string, unknown>), ...extraSpec });
  expectValid([ours]);
}

describe('upstream Kuadrant examples rebuilt through the L2 constructs', () => {
  it('toystore RateLimitPolicy on an HTTPRoute (global, per-method/path and per-user limits)', () => {
    const { app, ns } = setup(['toystore'], { requireAccessPolicies: false });
    new RateLimitPolicy(ns.toystore, 'toystore-httproute', {
      target: PolicyTarget.of(HttpRoute.fromRouteName(ns.toystore, 'toystore-route', 'toystore')),
      limits: {
        global: { rates: [{ limit: 6, window: '30s' }] },
        'get-toy': { when: ["request.method == 'GET'", "request.path == '/toy'"], rates: [{ limit: 5, window: '1m' }] },
        'admin-post-toy-per-user': {
          rates: [{ limit: 2, window: '30s' }],
          counters: ['auth.identity.username'],
          when: ["request.method == 'GET'", "request.path == '/admin/toy'", "auth.identity.group == 'admin'"],
        },
        'admin-delete-per-user': {
          rates: [{ limit: 2, window: '30s' }],
          counters: ['auth.identity.username'],
          when: ["request.method == 'DELETE'", "request.path == '/admin/toy'", "auth.identity.group == 'admin'"],
        },
      },
    });
    expectRebuilt(findObject(synthObjects(app), 'RateLimitPolicy', 'toystore-httproute'), upstream('kuadrant-operator/examples/toystore/ratelimitpolicy_httproute.yaml', 'RateLimitPolicy', 'toystore-httproute'));
  });

  it('Kuadrant CRs: the empty sample and the tracing configuration', () => {
    const { app, ns } = setup(['toystore', 'kuadrant-system'], { requireAccessPolicies: false });
    new Kuadrant(ns.toystore, 'sample', { name: 'kuadrant-sample' });
    new Kuadrant(ns['kuadrant-system'], 'kuadrant', {
      observability: { enable: true, tracing: { defaultEndpoint: 'rpc://jaeger.observability.svc.cluster.local:4317', insecure: true }, dataPlane: { httpHeaderIdentifier: 'x-request-id' } },
    });
    const objects = synthObjects(app);
    expectRebuilt(findObject(objects, 'Kuadrant', 'kuadrant-sample'), upstream('kuadrant-operator/examples/toystore/kuadrant.yaml', 'Kuadrant', 'kuadrant-sample'));
    expectRebuilt(findObject(objects, 'Kuadrant', 'kuadrant-sample'), upstream('kuadrant-operator/config/samples/kuadrant_v1beta1_kuadrant.yaml', 'Kuadrant', 'kuadrant-sample'));
    expectRebuilt(findObject(objects, 'Kuadrant', 'kuadrant'), upstream('kuadrant-operator/config/observability/tracing/kuadrant-tracing.yaml', 'Kuadrant', 'kuadrant'));
  });

  it('gRPC backend: AuthPolicy with API keys on a GRPCRoute, RateLimitPolicy defaults excluding reflection', () => {
    const { app, ns } = setup(['grpc'], { requireAccessPolicies: false });
    const target = PolicyTarget.of(GrpcRoute.fromRouteName(ns.grpc, 'grpcbin-route', 'grpcbin'));
    new AuthPolicy(ns.grpc, 'grpcbin', {
      target,
      authentication: { apikey: { apiKey: { selector: { matchLabels: { app: 'grpcbin' } } }, credentials: { authorizationHeader: { prefix: 'APIKEY' } } } },
    });
    new RateLimitPolicy(ns.grpc, 'grpcbin-rlp-no-reflection', {
      target,
      precedence: Precedence.defaults(),
      limits: { 'non-reflection-calls': { rates: [{ limit: 10, window: '10s' }], when: ["!request.path.startsWith('/grpc.reflection.')"] } },
    });
    const objects = synthObjects(app);
    expectRebuilt(findObject(objects, 'AuthPolicy', 'grpcbin'), upstream('kuadrant-operator/examples/grpc-backend/authpolicy/authpolicy.yaml', 'AuthPolicy', 'grpcbin'));
    expectRebuilt(
      findObject(objects, 'RateLimitPolicy', 'grpcbin-rlp-no-reflection'),
      upstream('kuadrant-operator/examples/grpc-backend/ratelimitpolicy/ratelimitpolicy-no-reflection.yaml', 'RateLimitPolicy', 'grpcbin-rlp-no-reflection'),
    );
  });

  it('MaaS v0.0.2 gateway AuthPolicy: TokenReview, tier lookup metadata, SubjectAccessReview, identity for limits', () => {
    const { app, ns } = setup(['openshift-ingress'], { requireAccessPolicies: false });
    const gateway = Gateway.fromGatewayName(ns['openshift-ingress'], 'gateway', 'maas-default-gateway', { namespace: 'openshift-ingress' });
    new AuthPolicy(ns['openshift-ingress'], 'gateway-auth-policy', {
      target: PolicyTarget.gateway(gateway),
      metadata: {
        matchedTier: {
          http: {
            url: 'http://maas-api.maas-api.svc.cluster.local:8080/v1/tiers/lookup',
            contentType: kuadrant.AuthPolicySpecRulesMetadataHttpContentType.APPLICATION_FORWARD_SLASH_JSON,
            method: kuadrant.AuthPolicySpecRulesMetadataHttpMethod.POST,
            body: { expression: '{ "groups": auth.identity.user.groups }' },
          },
          cache: { key: { selector: 'auth.identity.user.username' }, ttl: 300 },
        },
      },
      authentication: {
        'service-accounts': {
          kubernetesTokenReview: { audiences: ['maas-default-gateway-sa'] },
          defaults: { userid: { expression: 'auth.identity.user.username.split(":")[3]\n' } },
          cache: { key: { selector: 'context.request.http.headers.authorization.@case:lower' }, ttl: 600 },
        },
      },
      authorization: {
        'tier-access': {
          cache: { key: { selector: '{auth.identity.user.username}:{request.path}' }, ttl: 60 },
          kubernetesSubjectAccessReview: {
            user: { expression: 'auth.identity.user.username' },
            authorizationGroups: { expression: 'auth.identity.user.groups' },
            resourceAttributes: {
              group: { value: 'serving.kserve.io' },
              resource: { value: 'llminferenceservices' },
              namespace: { expression: 'request.path.split("/")[1]\n' },
              name: { expression: 'request.path.split("/")[2]\n' },
              verb: { value: 'post' },
            },
          },
        },
      },
      successFilters: { identity: { json: { properties: { userid: { expression: 'auth.identity.userid' }, tier: { expression: 'auth.metadata.matchedTier["tier"]' } } } } },
    });
    expectRebuilt(
      findObject(synthObjects(app), 'AuthPolicy', 'gateway-auth-policy', 'openshift-ingress'),
      upstream('models-as-a-service/v0.0.2/deployment/base/policies/auth-policies/gateway-auth-policy.yaml', 'AuthPolicy', 'gateway-auth-policy'),
    );
  });

  it('MaaS TokenRateLimitPolicies: per-tier token limits, and the default-deny safety net (defaults, limit 0)', () => {
    const { app, ns } = setup(['openshift-ingress'], { requireAccessPolicies: false });
    const target = PolicyTarget.gateway(Gateway.fromGatewayName(ns['openshift-ingress'], 'gateway', 'maas-default-gateway', { namespace: 'openshift-ingress' }));
    const tier = (name: string, limit: number) => ({ rates: [{ limit, window: '1m' }], when: [`auth.identity.tier == "${name}"\n`], counters: ['auth.identity.userid'] });
    new TokenRateLimitPolicy(ns['openshift-ingress'], 'gateway-token-rate-limits', {
      target,
      limits: { 'free-user-tokens': tier('free', 100), 'premium-user-tokens': tier('premium', 50000), 'enterprise-user-tokens': tier('enterprise', 100000) },
    });
    new TokenRateLimitPolicy(ns['openshift-ingress'], 'gateway-default-deny', {
      target,
      precedence: Precedence.defaults(),
      labels: { 'app.kubernetes.io/managed-by': 'maas-controller', 'app.kubernetes.io/part-of': 'maas-controller', 'app.kubernetes.io/component': 'default-policy' },
      limits: {
        'deny-all-by-default': {
          when: ['!request.path.startsWith("/maas-api") && !request.path.startsWith("/v1/models") && !request.path.startsWith("/v1/subscriptions") && !request.path.startsWith("/v1/api-keys")'],
          rates: [{ limit: 0, window: '1m' }],
          counters: ['auth.identity.userid'],
        },
      },
    });
    const objects = synthObjects(app);
    expectRebuilt(
      findObject(objects, 'TokenRateLimitPolicy', 'gateway-token-rate-limits'),
      upstream('models-as-a-service/v0.0.2/deployment/base/policies/usage-policies/token-limit-policy.yaml', 'TokenRateLimitPolicy', 'gateway-token-rate-limits'),
    );
    expectRebuilt(
      findObject(objects, 'TokenRateLimitPolicy', 'gateway-default-deny'),
      upstream('models-as-a-service/v0.2.1/deployment/base/maas-controller/policies/gateway-default-deny.yaml', 'TokenRateLimitPolicy', 'gateway-default-deny'),
    );
  });

  it('MaaS TelemetryPolicies: user, tier, model and subscription metric labels', () => {
    const { app, ns } = setup(['openshift-ingress'], { requireAccessPolicies: false });
    const target = PolicyTarget.of(Gateway.fromGatewayName(ns['openshift-ingress'], 'gateway', 'maas-default-gateway'));
    new TelemetryPolicy(ns['openshift-ingress'], 'user-group', { target, metricLabels: { model: 'responseBodyJSON("/model")', tier: 'auth.identity.tier', user: 'auth.identity.userid' } });
    new TelemetryPolicy(ns['openshift-ingress'], 'maas-telemetry', {
      target,
      labels: { 'app.kubernetes.io/part-of': 'maas-observability' },
      metricLabels: {
        model: 'responseBodyJSON("/model")',
        user: 'auth.identity.userid',
        subscription: 'auth.identity.selected_subscription',
        organization_id: 'auth.identity.subscription_info.organizationId',
        cost_center: 'auth.identity.subscription_info.costCenter',
      },
    });
    const objects = synthObjects(app);
    expectRebuilt(findObject(objects, 'TelemetryPolicy', 'user-group'), upstream('models-as-a-service/v0.0.2/deployment/base/observability/telemetry-policy.yaml', 'TelemetryPolicy', 'user-group'));
    expectRebuilt(
      findObject(objects, 'TelemetryPolicy', 'maas-telemetry'),
      upstream('models-as-a-service/v0.2.1/deployment/base/observability/gateway-telemetry-policy.yaml', 'TelemetryPolicy', 'maas-telemetry'),
    );
  });

  it('Limitador: the standard install and Redis storage by Secret reference', () => {
    const standard = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Limitador(standard.ns['kuadrant-system'], 'limitador');
    const withRedis = setup(['kuadrant-system'], { requireAccessPolicies: false });
    new Limitador(withRedis.ns['kuadrant-system'], 'limitador', { storage: LimitadorStorage.redis(SecretRef.named('redis-credentials')) });
    expectRebuilt(findObject(synthObjects(standard.app), 'Limitador', 'limitador', 'kuadrant-system'), upstream('kuadrant-operator/config/install/configure/standard/limitador.yaml', 'Limitador', 'limitador'));
    expectRebuilt(findObject(synthObjects(withRedis.app), 'Limitador', 'limitador', 'kuadrant-system'), upstream('kuadrant-operator/config/install/configure/redis-storage/limitador.yaml', 'Limitador', 'limitador'));
  });

  it('TLSPolicies (sample, x509 mTLS gateway listener, external API): upstream spec plus the secure key and lifetime defaults', () => {
    const { app, ns } = setup(['toystore', 'gateway-system'], { requireAccessPolicies: false });
    new TlsPolicy(ns.toystore, 'tlspolicy-sample', { target: PolicyTarget.of(Gateway.fromGatewayName(ns.toystore, 'example-gateway', 'example-gateway')), issuer: CertificateIssuer.clusterIssuer('self-signed-ca') });
    new TlsPolicy(ns.toystore, 'tls', { target: PolicyTarget.of(Gateway.fromGatewayName(ns.toystore, 'public-api', 'public-api')), issuer: CertificateIssuer.clusterIssuer('lets-encrypt-aws') });
    new TlsPolicy(ns['gateway-system'], 'mtls-gateway-tls', { target: PolicyTarget.of(Gateway.fromGatewayName(ns['gateway-system'], 'mtls-gateway', 'mtls-gateway').listener('https')), issuer: CertificateIssuer.issuer('gateway-cert-issuer') });
    const objects = synthObjects(app);
    const secureDefaults = { privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' }, duration: '2160h', renewBefore: '720h' };
    expectRebuilt(findObject(objects, 'TLSPolicy', 'tlspolicy-sample'), upstream('kuadrant-operator/config/samples/kuadrant_v1_tlspolicy.yaml', 'TLSPolicy', 'tlspolicy-sample'), secureDefaults);
    expectRebuilt(findObject(objects, 'TLSPolicy', 'tls'), upstream('kuadrant-operator/examples/external-api-istio.yaml', 'TLSPolicy', 'tls'), secureDefaults);
    expectRebuilt(findObject(objects, 'TLSPolicy', 'mtls-gateway-tls'), upstream('kuadrant-operator/examples/x509-authentication/gateway.yaml', 'TLSPolicy', 'mtls-gateway-tls'), secureDefaults);
  });

  it('LLM chargeback demo: API keys from any namespace, identity for limits, OPA groups, per-group RateLimitPolicy', () => {
    const { app, ns } = setup(['llm'], { requireAccessPolicies: false });
    const target = PolicyTarget.of(Gateway.fromGatewayName(ns.llm, 'vllm-gateway', 'vllm-gateway'));
    new AuthPolicy(ns.llm, 'chargeback-auth', {
      target,
      authentication: { 'api-key-users': { apiKey: { allNamespaces: true, selector: { matchLabels: { app: 'llm-gateway' } } }, credentials: { authorizationHeader: { prefix: 'APIKEY' } } } },
      successFilters: {
        identity: {
          json: {
            properties: {
              userid: { selector: 'auth.identity.metadata.annotations.secret\\.kuadrant\\.io/user-id' },
              groups: { selector: 'auth.identity.metadata.annotations.kuadrant\\.io/groups' },
            },
          },
        },
      },
      authorization: {
        'allow-groups': {
          opa: {
            rego: 'groups := split(object.get(input.auth.identity.metadata.annotations, "kuadrant.io/groups", ""), ",")\nallow { groups[_] == "free" }\nallow { groups[_] == "premium" }\nallow { groups[_] == "enterprise" }\n',
          },
        },
      },
    });
    const group = (g: string, limit: number) => ({ rates: [{ limit, window: '2m' }], when: [`auth.identity.groups.split(",").exists(g, g == "${g}")\n`], counters: ['auth.identity.userid'] });
    new RateLimitPolicy(ns.llm, 'chargeback-limits', {
      target,
      limits: { 'free-user-requests': group('free', 2), 'premium-user-requests': group('premium', 10), 'enterprise-user-requests': group('enterprise', 50) },
    });
    const objects = synthObjects(app);
    const file = 'kuadrant-llm-integration/demos/kuadrant-chargeback-metrics/chargeback-policy.yaml';
    expectRebuilt(findObject(objects, 'AuthPolicy', 'chargeback-auth'), upstream(file, 'AuthPolicy', 'chargeback-auth'));
    expectRebuilt(findObject(objects, 'RateLimitPolicy', 'chargeback-limits'), upstream(file, 'RateLimitPolicy', 'chargeback-limits'));
  });

  it('prompt-length demo: anonymous access with inline Rego, limits by prompt size class', () => {
    const { app, ns } = setup(['prompt-demo'], { requireAccessPolicies: false });
    const target = PolicyTarget.of(Gateway.fromGatewayName(ns['prompt-demo'], 'vllm-gateway', 'vllm-gateway'));
    new AuthPolicy(ns['prompt-demo'], 'prompt-length-policy', {
      target,
      authentication: { anonymous: { anonymous: {} } },
      authorization: {
        'prompt-length-check': {
          opa: {
            rego: 'package promptlength\nallow {\n  input.request.http.headers["x-prompt-length"] != null\n  to_number(input.request.http.headers["x-prompt-length"]) <= 2048\n}\n',
          },
        },
      },
    });
    // The upstream file ends with a trailing space after the last predicate, kept verbatim.
    const size = (c: string, limit: number, trailing = '') => ({ rates: [{ limit, window: '1m' }], when: [`request.headers["x-prompt-size-class"] == "${c}"${trailing}\n`] });
    new RateLimitPolicy(ns['prompt-demo'], 'prompt-size-class-limits', { target, limits: { 'small-prompts': size('small', 100), 'medium-prompts': size('medium', 50), 'large-prompts': size('large', 10, ' ') } });
    const objects = synthObjects(app);
    const file = 'kuadrant-llm-integration/demos/prompt-length-external-processor/prompt-length-demo.yaml';
    expectRebuilt(findObject(objects, 'AuthPolicy', 'prompt-length-policy', 'prompt-demo'), upstream(file, 'AuthPolicy', 'prompt-length-policy'));
    expectRebuilt(findObject(objects, 'RateLimitPolicy', 'prompt-size-class-limits', 'prompt-demo'), upstream(file, 'RateLimitPolicy', 'prompt-size-class-limits'));
  });
});
