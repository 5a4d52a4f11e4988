import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { MaasPlatform } from '../../src/platforms/maas';
import { findObject, objectsOfKind, synthObjects } from '../util';
import { modelRuleObjects } from '../observability/helpers';

/** The facts of the Models-as-a-Service reference platform (its YAML is pinned by the dist/ freshness test). */
describe('maas', () => {
  const app = Testing.app();
  const platform = new MaasPlatform(app);
  const objects = synthObjects(app);
  const models = ['granite-code', 'mistral-7b-instruct', 'nomic-embed', 'qwen3-0-6b-instruct'];

  it('serves four models in Standard mode in namespace llm, on pinned vLLM and TEI runtimes', () => {
    expect(objectsOfKind(objects, 'InferenceService').map((m) => `${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual(models.map((m) => `llm/${m}`));
    for (const m of objectsOfKind(objects, 'InferenceService')) expect(m.metadata.annotations?.['serving.kserve.io/deploymentMode'], m.metadata.name).toBe('Standard');
    for (const r of objectsOfKind(objects, 'ClusterServingRuntime')) {
      for (const c of r.spec.containers) expect(c.image, r.metadata.name).toMatch(/:[^:]+$/);
      for (const c of r.spec.containers) expect(c.image, r.metadata.name).not.toMatch(/:latest$/);
    }
  });

  it('enforces STRICT mTLS in llm and admits only the gateway identity to the predictors', () => {
    expect(findObject(objects, 'PeerAuthentication', 'default', 'llm').spec).toEqual({ mtls: { mode: 'STRICT' } });
    const ap = findObject(objects, 'AuthorizationPolicy', 'allow-gateway-only', 'llm');
    expect(ap.spec.rules[0].from[0].source.principals).toEqual(['cluster.local/ns/llm/sa/kuadrant-gateway-istio']);
  });

  it('scrapes every model through its sidecar (STRICT mTLS refuses a plain-text scrape of 8080), the embedding model on TEI\'s metrics port', () => {
    for (const name of models) {
      const pm = findObject(objects, 'PodMonitor', `${name}-predictor`, 'llm');
      expect(pm.spec.podMetricsEndpoints[0], name).toMatchObject({ port: 'http-envoy-prom', path: '/stats/prometheus' });
      const annotations = findObject(objects, 'InferenceService', name, 'llm').spec.predictor.annotations;
      expect(annotations, name).toMatchObject({ 'prometheus.io/path': '/metrics', 'prometheus.io/port': name === 'nomic-embed' ? '9000' : '8080', 'prometheus.io/scrape': 'true' });
      expect(findObject(objects, 'NetworkPolicy', `allow-metrics-${name}-predictor`, 'llm').spec.ingress[0].ports, name).toEqual([{ port: 15020, protocol: 'TCP' }]);
      // Its alerts are in the one PrometheusRule of its kind, whose rules select it.
      expect(modelRuleObjects(objects, 'inferenceservice', name).map((o) => o.metadata.namespace), name).toEqual(['llm']);
    }
  });

  it("lets the Istio gateway load Kuadrant's wasm filter from the operator (port 8082) and call Authorino and Limitador", () => {
    const gatewayEgress = objectsOfKind(objects, 'NetworkPolicy').filter(
      (p) => p.metadata.namespace === 'llm' && p.spec.podSelector.matchLabels?.['gateway.networking.k8s.io/gateway-name'] === 'kuadrant-gateway' && p.spec.policyTypes.includes('Egress'),
    );
    const reaches = (pods: Record<string, string>, port: number) =>
      gatewayEgress.some((p) =>
        p.spec.egress.some(
          (rule: { to: { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }) =>
            rule.ports.some((x) => x.port === port) &&
            rule.to.some((peer) => peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'kuadrant-system' && JSON.stringify(peer.podSelector?.matchLabels) === JSON.stringify(pods)),
        ),
      );
    expect(reaches({ app: 'kuadrant', 'control-plane': 'controller-manager' }, 8082)).toBe(true);
    expect(reaches({ 'authorino-resource': 'authorino' }, 50051)).toBe(true);
    expect(reaches({ app: 'limitador', 'limitador-resource': 'limitador' }, 8081)).toBe(true);
  });

  it("downloads the gated model with its token: KServe's storage initializer reads it only from the Secret the storageSecretName pod annotation names", () => {
    const gated = findObject(objects, 'InferenceService', 'mistral-7b-instruct', 'llm').spec.predictor;
    expect(gated.annotations['serving.kserve.io/storageSecretName']).toBe('hf-token');
    expect(gated.model.storageUri).toMatch(/^hf:\/\//);
    for (const name of models.filter((m) => m !== 'mistral-7b-instruct')) {
      expect(findObject(objects, 'InferenceService', name, 'llm').spec.predictor.annotations['serving.kserve.io/storageSecretName'], name).toBeUndefined();
    }
  });

  it('sets the context length per model, never above the model\'s own (vLLM exits at start otherwise): granite-3b-code-instruct-2k gets 2048', () => {
    const runtime = findObject(objects, 'ClusterServingRuntime', 'vllm-runtime');
    expect(JSON.stringify(runtime.spec.containers)).not.toContain('--max-model-len');
    const maxLen = (name: string) => findObject(objects, 'InferenceService', name, 'llm').spec.predictor.model.args.filter((a: string) => a.startsWith('--max-model-len='));
    expect(maxLen('granite-code')).toEqual(['--max-model-len=2048']);
    expect(maxLen('qwen3-0-6b-instruct')).toEqual(['--max-model-len=8192']);
    expect(maxLen('mistral-7b-instruct')).toEqual(['--max-model-len=8192']);
  });

  it('limits each tier per user: free 10, premium 100, enterprise 1000 requests per minute on qwen3', () => {
    const limits = findObject(objects, 'RateLimitPolicy', 'maas-qwen3', 'llm').spec.limits;
    for (const [tier, limit] of [['free', 10], ['premium', 100], ['enterprise', 1000]] as const) {
      expect(limits[tier].rates, tier).toEqual([{ limit, window: '1m' }]);
      expect(limits[tier].counters, tier).toEqual([{ expression: 'auth.identity.userid' }]);
      expect(limits[tier].when, tier).toEqual([{ predicate: `auth.identity.tier == "${tier}"` }]);
    }
  });

  it('pulls API keys from the secret store with their tier, and embeds no key', () => {
    const secrets = objectsOfKind(objects, 'ExternalSecret');
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['maas-demo-enterprise', 'maas-demo-free', 'maas-demo-premium']);
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  it('lists the cluster setup dist/ cannot carry: proxy pod security, the Istio CNI plugin, the access-log mesh config, the storage initializer and the Secrets nothing writes', () => {
    expect(platform.setupNotes.map((n) => n.topic)).toEqual([
      'ClusterSecretStore maas-api-keys',
      'Gateway proxy pods under restricted Pod Security (llm/kuadrant-gateway)',
      'Grafana dashboard discovery',
      'Istio CNI plugin and metrics merging (namespace llm)',
      'Istio mesh config: access log provider `model-access-log`',
      'KServe storage initializer under restricted Pod Security',
      'Kept when the Application is deleted: Kuadrant/kuadrant-system/kuadrant',
      'Secret kuadrant-system/limitador-redis',
      'Secret llm/hf-token',
      'Secret llm/kuadrant-gateway-tls',
    ]);
    // The API keys come from ExternalSecrets of the platform: they are written, so not listed; Limitador's Redis URL is not.
    expect(platform.setupNotes.filter((n) => n.topic.startsWith('Secret kuadrant-system/')).map((n) => n.topic)).toEqual(['Secret kuadrant-system/limitador-redis']);
  });
});
