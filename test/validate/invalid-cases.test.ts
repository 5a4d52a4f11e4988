import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EXIT_INVALID, runCli } from '../../src/cli/run';
import { validateObject } from '../../src/validate/validator';
import { VALID } from './fixtures';
import { changed, expectIssue, tempDir } from './helpers';

interface InvalidCase {
  readonly name: string;
  readonly object: unknown;
  readonly path: string;
  readonly message: string;
  readonly channel?: 'standard';
}

const repeatedName = (n: number): string => 'a'.repeat(n);

/**
 * Objects the apiserver rejects, each a valid fixture with one thing broken,
 * with the path and (part of) the message the rejection must carry.
 */
const CASES: readonly InvalidCase[] = [
  // Gateway
  { name: 'duplicate listener names', object: changed(VALID.gateway, (o) => (o.spec.listeners[1].name = 'http')), path: 'spec.listeners[1]', message: 'Duplicate value: {"name":"http"}' },
  { name: 'TLS on an HTTP listener', object: changed(VALID.gateway, (o) => (o.spec.listeners[0].tls = { mode: 'Terminate', certificateRefs: [{ name: 'c' }] })), path: 'spec.listeners', message: "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']" },
  // The rule reads certificateRefs without has(): the apiserver reports the evaluation error with the rule's message.
  { name: 'HTTPS listener terminating TLS without certificates', object: changed(VALID.gateway, (o) => delete o.spec.listeners[1].tls.certificateRefs), path: 'spec.listeners[1].tls', message: 'evaluating rule: certificateRefs or options must be specified when mode is Terminate' },
  { name: 'HTTPS listener terminating TLS with an empty certificate list', object: changed(VALID.gateway, (o) => (o.spec.listeners[1].tls = { mode: 'Terminate', certificateRefs: [], options: {} })), path: 'spec.listeners[1].tls', message: 'certificateRefs or options must be specified when mode is Terminate' },
  { name: 'hostname on a TCP listener', object: changed(VALID.gateway, (o) => o.spec.listeners.push({ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'x.example.com' })), path: 'spec.listeners', message: "hostname must not be specified for protocols ['TCP', 'UDP']" },
  { name: 'same port, protocol and hostname twice', object: changed(VALID.gateway, (o) => o.spec.listeners.push({ name: 'http-2', port: 80, protocol: 'HTTP' })), path: 'spec.listeners', message: 'Combination of port, protocol and hostname must be unique for each listener' },
  { name: 'listener port 0', object: changed(VALID.gateway, (o) => (o.spec.listeners[0].port = 0)), path: 'spec.listeners[0].port', message: 'should be greater than or equal to 1' },
  { name: 'listener port as a string', object: changed(VALID.gateway, (o) => (o.spec.listeners[0].port = '80')), path: 'spec.listeners[0].port', message: 'must be of type integer' },
  { name: 'listener name not a DNS subdomain', object: changed(VALID.gateway, (o) => (o.spec.listeners[0].name = 'HTTP_Plain')), path: 'spec.listeners[0].name', message: 'should match' },
  { name: 'missing gatewayClassName', object: changed(VALID.gateway, (o) => delete o.spec.gatewayClassName), path: 'spec.gatewayClassName', message: 'Required value' },
  { name: 'unknown listener field', object: changed(VALID.gateway, (o) => (o.spec.listeners[0].tlsMode = 'Terminate')), path: 'spec.listeners[0].tlsMode', message: 'unknown field' },
  { name: 'allowedRoutes.namespaces.from outside the enum', object: changed(VALID.gateway, (o) => (o.spec.listeners[1].allowedRoutes.namespaces.from = 'Everywhere')), path: 'spec.listeners[1].allowedRoutes.namespaces.from', message: 'Unsupported value: "Everywhere": supported values: "All", "Selector", "Same"' },
  { name: 'an IPAddress address that is not an IP', object: changed(VALID.gateway, (o) => (o.spec.addresses = [{ type: 'IPAddress', value: '999.1.1.1' }])), path: 'spec.addresses[0]', message: 'must match exactly one of the alternatives (oneOf)' },
  { name: 'more than 64 listeners', object: changed(VALID.gateway, (o) => (o.spec.listeners = Array.from({ length: 65 }, (_, i) => ({ name: `l${i}`, port: 1000 + i, protocol: 'HTTP' })))), path: 'spec.listeners', message: 'must have at most 64 items' },
  // HTTPRoute
  { name: 'a Service backendRef without a port', object: changed(VALID.httpRoute, (o) => delete o.spec.rules[0].backendRefs[0].port), path: 'spec.rules[0].backendRefs[0]', message: 'Must have port for Service reference' },
  { name: 'two filters of the same type', object: changed(VALID.httpRoute, (o) => o.spec.rules[0].filters.push({ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-b', value: '2' }] } })), path: 'spec.rules[0].filters', message: 'RequestHeaderModifier filter cannot be repeated' },
  { name: "a '#' in a PathPrefix match", object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].matches[0].path.value = '/v1#frag')), path: 'spec.rules[0].matches[0].path', message: "must not contain '#' when type one of ['Exact', 'PathPrefix']" },
  { name: 'an encoded slash in an Exact match', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].matches[0].path = { type: 'Exact', value: '/a%2Fb' })), path: 'spec.rules[0].matches[0].path', message: "must not contain '%2F' when type one of ['Exact', 'PathPrefix']" },
  { name: 'backendRequest timeout above the request timeout', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].timeouts = { request: '10s', backendRequest: '1m' })), path: 'spec.rules[0].timeouts', message: 'backendRequest timeout cannot be longer than request timeout' },
  { name: 'a timeout that is not a Gateway API duration', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].timeouts.request = '30 seconds')), path: 'spec.rules[0].timeouts.request', message: 'should match' },
  { name: 'a redirect together with backendRefs', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].filters = [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }])), path: 'spec.rules[0]', message: 'RequestRedirect filter must not be used together with backendRefs' },
  { name: 'a filter field that does not match the filter type', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].filters[0].type = 'URLRewrite')), path: 'spec.rules[0].filters[0]', message: 'filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier' },
  { name: 'a redirect status code outside the enum', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0] = { filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 305 } }] })), path: 'spec.rules[0].filters[0].requestRedirect.statusCode', message: 'Unsupported value: 305' },
  { name: 'an HTTP method outside the enum', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].matches[0].method = 'FETCH')), path: 'spec.rules[0].matches[0].method', message: 'Unsupported value: "FETCH"' },
  { name: 'a header name with a space', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].matches[0].headers[0].name = 'x tier')), path: 'spec.rules[0].matches[0].headers[0].name', message: 'should match' },
  { name: 'a negative backend weight', object: changed(VALID.httpRoute, (o) => (o.spec.rules[0].backendRefs[0].weight = -1)), path: 'spec.rules[0].backendRefs[0].weight', message: 'should be greater than or equal to 0' },
  { name: 'more than 16 rules', object: changed(VALID.httpRoute, (o) => (o.spec.rules = Array.from({ length: 17 }, () => ({ backendRefs: [{ name: 'svc', port: 80 }] })))), path: 'spec.rules', message: 'must have at most 16 items' },
  { name: 'a header removed twice (list-type set)', object: changed(VALID.httpRoute, (o) => o.spec.rules[0].filters[0].requestHeaderModifier.remove.push('x-debug')), path: 'spec.rules[0].filters[0].requestHeaderModifier.remove[1]', message: 'Duplicate value: "x-debug"' },
  { name: 'a header set twice (list-type map)', object: changed(VALID.httpRoute, (o) => o.spec.rules[0].filters[0].requestHeaderModifier.set.push({ name: 'x-a', value: '2' })), path: 'spec.rules[0].filters[0].requestHeaderModifier.set[1]', message: 'Duplicate value: {"name":"x-a"}' },
  { name: 'the same parent twice, once without sectionName', object: changed(VALID.httpRoute, (o) => o.spec.parentRefs.push({ name: 'gw', namespace: 'edge' })), path: 'spec.parentRefs', message: 'sectionName must be specified when parentRefs includes 2 or more references to the same parent' },
  { name: 'the same parent and section twice', object: changed(VALID.httpRoute, (o) => o.spec.parentRefs.push({ name: 'gw', namespace: 'edge', sectionName: 'https' })), path: 'spec.parentRefs', message: 'sectionName must be unique when parentRefs includes 2 or more references to the same parent' },
  // GRPCRoute
  { name: 'a gRPC method match with neither service nor method', object: changed(VALID.grpcRoute, (o) => (o.spec.rules[0].matches[0].method = { type: 'Exact' })), path: 'spec.rules[0].matches[0].method', message: "One or both of 'service' or 'method' must be specified" },
  { name: 'a gRPC service with invalid characters', object: changed(VALID.grpcRoute, (o) => (o.spec.rules[0].matches[0].method.service = 'inference/GRPC')), path: 'spec.rules[0].matches[0].method', message: 'service must only contain valid characters' },
  // InferenceService, ServingRuntime
  { name: 'a CPU quantity written as a number', object: changed(VALID.inferenceService, (o) => (o.spec.predictor.model.resources.requests.cpu = 0.1)), path: 'spec.predictor.model.resources.requests.cpu', message: 'must be of type integer or string' },
  { name: 'a memory quantity with a wrong suffix', object: changed(VALID.inferenceService, (o) => (o.spec.predictor.model.resources.limits.memory = '1GB')), path: 'spec.predictor.model.resources.limits.memory', message: 'should match' },
  { name: 'an InferenceService predictor with two model specs (KServe webhook)', object: changed(VALID.inferenceService, (o) => (o.spec.predictor.sklearn = { storageUri: 'gs://b/iris' })), path: 'spec.predictor', message: 'exactly one of [xgboost, pytorch, triton, sklearn, tensorflow, onnx, pmml, lightgbm, paddle, huggingface, model] must be specified in predictor; found 2: sklearn, model (KServe admission webhook)' },
  { name: 'an InferenceService predictor with no model spec and no containers (KServe webhook)', object: changed(VALID.inferenceService, (o) => (o.spec.predictor = { minReplicas: 1 })), path: 'spec.predictor', message: 'found none (KServe admission webhook)' },
  {
    name: 'a Knative-mode InferenceService with a pod-level securityContext (Knative webhook)',
    object: changed(VALID.inferenceService, (o) => {
      o.metadata.annotations = { 'serving.kserve.io/deploymentMode': 'Knative' };
      o.spec.predictor.securityContext = { runAsNonRoot: true, fsGroup: 1000 };
    }),
    path: 'spec.predictor.securityContext',
    message: 'must not be set in Knative mode: Knative refuses the pod-level securityContext fields fsGroup, runAsNonRoot unless the kubernetes.podspec-securitycontext feature is enabled',
  },
  { name: 'an InferenceService without a predictor', object: changed(VALID.inferenceService, (o) => delete o.spec.predictor), path: 'spec.predictor', message: 'Required value' },
  { name: 'a misspelt storage URI field', object: changed(VALID.inferenceService, (o) => (o.spec.predictor.model.storageURI = 'gs://x')), path: 'spec.predictor.model.storageURI', message: 'unknown field' },
  { name: 'an old-API predictor field', object: changed(VALID.inferenceService, (o) => (o.spec.predictor.container = { image: 'x' })), path: 'spec.predictor.container', message: 'unknown field' },
  { name: 'minReplicas as a word', object: changed(VALID.inferenceService, (o) => (o.spec.predictor.minReplicas = 'one')), path: 'spec.predictor.minReplicas', message: 'must be of type integer' },
  { name: 'a canary without trafficPercent', object: changed(VALID.inferenceService, (o) => (o.spec.canary = [{ predictor: structuredClone(o.spec.predictor) }])), path: 'spec.canary[0].trafficPercent', message: 'Required value' },
  { name: 'a runtime container without a name', object: changed(VALID.servingRuntime, (o) => delete o.spec.containers[0].name), path: 'spec.containers[0].name', message: 'Required value' },
  // Kuadrant
  { name: 'a rate-limit window in days', object: changed(VALID.rateLimitPolicy, (o) => (o.spec.limits['per-user'].rates[0].window = '1d')), path: "spec.limits['per-user'].rates[0].window", message: "should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'" },
  { name: 'a rate-limit policy targeting a Service', object: changed(VALID.rateLimitPolicy, (o) => (o.spec.targetRef.kind = 'Service')), path: 'spec.targetRef', message: "Invalid targetRef.kind. The only supported values are 'HTTPRoute', 'GRPCRoute' and 'Gateway'" },
  { name: 'defaults and overrides together', object: changed(VALID.authPolicy, (o) => ((o.spec.defaults = { rules: o.spec.rules }), (o.spec.overrides = { rules: o.spec.rules }), delete o.spec.rules)), path: 'spec', message: 'mutually exclusive' },
  // Kong
  { name: 'a consumer with neither username nor custom_id', object: changed(VALID.kongConsumer, (o) => delete o.username), path: '', message: 'Need to provide either username or custom_id' },
  { name: 'a plugin with both config and configFrom', object: changed(VALID.kongPlugin, (o) => (o.configFrom = { secretKeyRef: { name: 's', key: 'k' } })), path: '', message: 'Using both config and configFrom fields is not allowed.' },
  // cert-manager, monitoring, Argo CD, Istio
  { name: 'a private key algorithm outside the enum', object: changed(VALID.certificate, (o) => (o.spec.privateKey.algorithm = 'DSA')), path: 'spec.privateKey.algorithm', message: 'Unsupported value: "DSA"' },
  { name: 'a certificate without issuerRef', object: changed(VALID.certificate, (o) => delete o.spec.issuerRef), path: 'spec.issuerRef', message: 'Required value' },
  { name: 'a partial response strategy outside the (?i) RE2 pattern', object: changed(VALID.prometheusRule, (o) => (o.spec.groups[0].partial_response_strategy = 'ignore')), path: 'spec.groups[0].partial_response_strategy', message: "should match '^(?i)(abort|warn)?$'" },
  { name: 'a scrape scheme outside the enum', object: changed(VALID.serviceMonitor, (o) => (o.spec.endpoints[0].scheme = 'ftp')), path: 'spec.endpoints[0].scheme', message: 'Unsupported value: "ftp"' },
  { name: 'an Application without destination', object: changed(VALID.application, (o) => delete o.spec.destination), path: 'spec.destination', message: 'Required value' },
  { name: 'an mTLS mode outside the enum', object: changed(VALID.peerAuthentication, (o) => (o.spec.mtls.mode = 'STRICTER')), path: 'spec.mtls.mode', message: 'Unsupported value: "STRICTER"' },
  // Metadata
  { name: 'a custom resource name that is not a DNS-1123 subdomain', object: changed(VALID.inferenceService, (o) => (o.metadata.name = 'Iris_Model')), path: 'metadata.name', message: 'a lowercase RFC 1123 subdomain must consist of' },
  { name: 'a Namespace name with a dot', object: changed(VALID.namespace, (o) => (o.metadata.name = 'ml.models')), path: 'metadata.name', message: 'a lowercase RFC 1123 label must consist of' },
  { name: 'a Service name starting with a digit', object: changed(VALID.service, (o) => (o.metadata.name = '1svc')), path: 'metadata.name', message: 'a DNS-1035 label must consist of' },
  { name: 'a CronJob name longer than 52 characters', object: changed(VALID.cronJob, (o) => (o.metadata.name = repeatedName(53))), path: 'metadata.name', message: 'must be no more than 52 characters' },
  { name: 'a namespace that is a template placeholder', object: changed(VALID.rateLimitPolicy, (o) => (o.metadata.namespace = '${NAMESPACE}')), path: 'metadata.namespace', message: 'a lowercase RFC 1123 label must consist of' },
  { name: 'a label value longer than 63 characters', object: changed(VALID.namespace, (o) => (o.metadata.labels['app.kubernetes.io/part-of'] = repeatedName(64))), path: "metadata.labels['app.kubernetes.io/part-of']", message: 'must be no more than 63 characters' },
  { name: 'a label key with two slashes', object: changed(VALID.namespace, (o) => (o.metadata.labels['a/b/c'] = 'x')), path: "metadata.labels['a/b/c']", message: 'a qualified name must consist of' },
  { name: 'an annotation key with a space', object: changed(VALID.kongConsumer, (o) => (o.metadata.annotations['bad key'] = 'x')), path: "metadata.annotations['bad key']", message: 'name part must consist of' },
  { name: 'an unknown metadata field', object: changed(VALID.configMap, (o) => (o.metadata.lables = { a: 'b' })), path: 'metadata.lables', message: 'unknown field' },
  // Built-in kinds
  { name: 'a misspelt Deployment field', object: changed(VALID.deployment, (o) => (o.spec.replica = 2)), path: 'spec.replica', message: 'unknown field' },
  { name: 'a Service port given by name', object: changed(VALID.service, (o) => (o.spec.ports[0].port = 'http')), path: 'spec.ports[0].port', message: 'must be of type integer' },
  { name: 'a container quantity that is not a quantity', object: changed(VALID.deployment, (o) => (o.spec.template.spec.containers[0].resources.limits.memory = '128 MB')), path: 'spec.template.spec.containers[0].resources.limits.memory', message: 'must be of format quantity' },
  { name: 'a ConfigMap value that is not a string', object: changed(VALID.configMap, (o) => (o.data.replicas = 3)), path: 'data.replicas', message: 'must be of type string' },
  // Kinds and versions
  { name: 'an unknown kind', object: changed(VALID.configMap, (o) => (o.kind = 'ConfigMapp')), path: 'kind', message: 'unknown kind' },
  { name: 'an unknown version', object: changed(VALID.gateway, (o) => (o.apiVersion = 'gateway.networking.k8s.io/v2')), path: 'apiVersion', message: 'Gateway has no version v2 in gateway.networking.k8s.io (known versions: v1, v1beta1)' },
  { name: 'a version the standard channel does not serve', object: { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TLSRoute', metadata: { name: 't', namespace: 'x' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 's', port: 443 }] }] } }, path: 'apiVersion', message: 'is not served', channel: 'standard' },
];

describe('invalid objects', () => {
  it('has at least 40 cases, each on a distinct breakage', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(Object.entries(VALID))('the unbroken fixture %s is valid', (_name, object) => {
    expect(validateObject(object)).toEqual([]);
  });

  const dir = tempDir();
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('rejects %s', (_name, c, i) => {
    expectIssue(validateObject(c.object, { gatewayApiChannel: c.channel }), c.path, c.message);

    // The CLI exits 1 and prints the expected path on the object's line.
    const file = path.join(dir, `case-${i}.yaml`);
    fs.writeFileSync(file, stringify(c.object));
    const out: string[] = [];
    const status = runCli(['validate', ...(c.channel ? ['--gateway-api-channel', c.channel] : []), file], { out: (l) => out.push(l), err: () => undefined });
    expect(status).toBe(EXIT_INVALID);
    expect(out.some((l) => l.startsWith(`${file}: `) && (c.path === '' ? l.includes(c.message) : l.includes(`: ${c.path}: `)))).toBe(true);
  });
});
