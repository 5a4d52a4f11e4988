import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { KubeObject } from '../../src/delivery/manifest';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { ArgoCdPlatform } from '../../src/platforms/argocd';
import { LlmGatewayPlatform } from '../../src/platforms/llm-gateway';
import { blockingPolicies, Flow, FlowEnd } from '../../src/security/network-policy-eval';
import { findObject, objectsOfKind, synthObjects } from '../util';

const MODELS = 'llm-models';
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** Pods in `namespace` with `labels`, as a flow end. */
function pods(namespace: string, labels: Record<string, string>): FlowEnd {
  return { namespace, namespaceLabels: { [NAME_LABEL]: namespace }, podLabels: labels };
}

/** The NetworkPolicies that block `flow` at its source (egress) and destination (ingress); empty when it is allowed. */
function blocked(objects: readonly KubeObject[], flow: Flow): string[] {
  const policies = objectsOfKind(objects, 'NetworkPolicy');
  return [...blockingPolicies(policies, flow, 'Egress'), ...blockingPolicies(policies, flow, 'Ingress')].map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}

/** The facts of the LLM gateway reference platform (its YAML is pinned by the dist/ freshness test and the snapshot). */
describe('llm-gateway', () => {
  const app = Testing.app();
  const platform = new LlmGatewayPlatform(app);
  const objects = synthObjects(app);
  const services = ['granite-3-3-8b', 'llama-3-1-8b', 'qwen2-5-7b'];
  const proxies = pods('envoy-gateway-system', { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway', 'gateway.envoyproxy.io/owning-gateway-name': 'llm-gateway', 'gateway.envoyproxy.io/owning-gateway-namespace': 'llm-edge' });
  const vllm = (name: string) => pods(MODELS, { 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': name, 'kserve.io/component': 'workload' });
  const picker = (name: string) => pods(MODELS, findObject(objects, 'Deployment', `${name}-epp`, MODELS).spec.template.metadata.labels);

  it('serves three vLLM models as LLMInferenceServices (serving.kserve.io/v1alpha2), the Llama model with two LoRA adapters', () => {
    const llmisvcs = objectsOfKind(objects, 'LLMInferenceService');
    expect(llmisvcs.map((o) => `${o.apiVersion} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(services.map((s) => `serving.kserve.io/v1alpha2 ${MODELS}/${s}`));
    const llama = findObject(objects, 'LLMInferenceService', 'llama-3-1-8b', MODELS);
    expect(llama.spec.model.name).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(llama.spec.model.lora.adapters.map((a: { name: string }) => a.name)).toEqual(['food-review-v1', 'food-review-v2']);
    // The gated model reads its Hugging Face token by reference.
    expect(llama.metadata.annotations?.['serving.kserve.io/storageSecretName']).toBe('hf-token');
  });

  it('has exactly one endpoint picker per model: its own, while KServe is asked for no scheduler (so it deploys no pool or picker of its own)', () => {
    for (const name of services) {
      const svc = findObject(objects, 'LLMInferenceService', name, MODELS);
      expect(svc.spec.router?.scheduler?.template, name).toBeUndefined();
      expect(svc.spec.router?.route, name).toBeUndefined();
      const pool = findObject(objects, 'InferencePool', name, MODELS);
      expect(pool.spec.endpointPickerRef, name).toEqual({ name: `${name}-epp`, port: { number: 9002 }, failureMode: 'FailClose' });
      expect(pool.spec.selector.matchLabels, name).toEqual({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'llminferenceservice', 'kserve.io/component': 'workload' });
      expect(pool.spec.targetPorts, name).toEqual([{ number: 8000 }]);
      // The picker the pool names exists, and only one picker Deployment schedules for this pool.
      expect(findObject(objects, 'Service', `${name}-epp`, MODELS).spec.ports[0].port).toBe(9002);
      const pickers = objectsOfKind(objects, 'Deployment').filter((d) => d.spec.template.spec.containers[0].args.includes('--pool-name') && d.spec.template.spec.containers[0].args[d.spec.template.spec.containers[0].args.indexOf('--pool-name') + 1] === name);
      expect(pickers.map((d) => d.metadata.name), name).toEqual([`${name}-epp`]);
      expect(pickers[0].spec.replicas, name).toBe(2);
      expect(pickers[0].spec.template.spec.containers[0].args, name).toContain('--ha-enable-leader-election');
    }
  });

  it('routes each model name to its pool on the one OpenAI endpoint (Envoy AI Gateway, x-ai-eg-model from the body)', () => {
    const routes = objectsOfKind(objects, 'AIGatewayRoute');
    for (const r of routes) {
      expect(r.spec.parentRefs, r.metadata.name).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'llm-gateway', namespace: 'llm-edge', sectionName: 'https' }]);
      expect(r.spec.hostnames, r.metadata.name).toEqual(['llm.example.com']);
    }
    const poolOf = (model: string): string[] =>
      routes
        .flatMap((r) => r.spec.rules)
        .filter((r: { matches: Array<{ headers: Array<{ name: string; value: string }> }> }) => r.matches.some((m) => m.headers.some((h) => h.name === 'x-ai-eg-model' && h.value === model)))
        .flatMap((r: { backendRefs: Array<{ kind: string; name: string }> }) => r.backendRefs.map((b) => `${b.kind}/${b.name}`));
    expect(poolOf('meta-llama/Llama-3.1-8B-Instruct')).toEqual(['InferencePool/llama-3-1-8b']);
    expect(poolOf('food-review')).toEqual(['InferencePool/llama-3-1-8b']);
    expect(poolOf('food-review-v1')).toEqual(['InferencePool/llama-3-1-8b']);
    expect(poolOf('food-review-v2')).toEqual(['InferencePool/llama-3-1-8b']);
    expect(poolOf('Qwen/Qwen2.5-7B-Instruct')).toEqual(['InferencePool/qwen2-5-7b']);
    expect(poolOf('ibm-granite/granite-3.3-8b-instruct')).toEqual(['InferencePool/granite-3-3-8b']);
    expect(poolOf('gpt-4o')).toEqual([]);
    // One model per route, so that policies (and tiers) can tell the models apart; no other route reaches a pool.
    expect(routes.map((r) => r.spec.rules.length)).toEqual(routes.map(() => 1));
    expect(objectsOfKind(objects, 'HTTPRoute')).toEqual([]);
  });

  it('lets the free tier call Qwen and Granite, and only the pro tier Llama and its LoRA adapters', () => {
    const policy = platform.accessPolicy;
    const allowed = (tier: string) =>
      objectsOfKind(objects, 'AIGatewayRoute')
        .filter((r) => policy.tiers.find((t) => t.name === tier)!.allows(policy.routes.find((x) => x.routeName === r.metadata.name)!))
        .map((r) => r.spec.rules[0].matches[0].headers[0].value)
        .sort();
    expect(allowed('free')).toEqual(['Qwen/Qwen2.5-7B-Instruct', 'ibm-granite/granite-3.3-8b-instruct']);
    expect(allowed('pro')).toEqual(['Qwen/Qwen2.5-7B-Instruct', 'food-review', 'food-review-v1', 'food-review-v2', 'ibm-granite/granite-3.3-8b-instruct', 'meta-llama/Llama-3.1-8B-Instruct']);
  });

  it('rolls the food-review LoRA adapter out 90/10 through the Llama pool, and scores LoRA affinity there only', () => {
    const rewrite = findObject(objects, 'InferenceModelRewrite', 'food-review-rollout', MODELS);
    expect(rewrite.spec.poolRef).toMatchObject({ name: 'llama-3-1-8b' });
    expect(rewrite.spec.rules).toEqual([{ matches: [{ model: { type: 'Exact', value: 'food-review' } }], targets: [{ modelRewrite: 'food-review-v1', weight: 90 }, { modelRewrite: 'food-review-v2', weight: 10 }] }]);
    const pickerConfig = (name: string): string => (findObject(objects, 'ConfigMap', `${name}-epp`, MODELS) as { data?: Record<string, string> }).data?.['config.yaml'] ?? '';
    expect(pickerConfig('llama-3-1-8b')).toContain('lora-affinity-scorer');
    expect(pickerConfig('qwen2-5-7b')).not.toContain('lora-affinity-scorer');
  });

  it('budgets input and output tokens apart, per caller and model: free 100k input and 20k output tokens an hour on Qwen and Granite; pro 2M and 400k, and 5M tokens a day on Llama', () => {
    // Read back from Envoy Gateway's global rate limit: a rule charges the token count Envoy AI Gateway wrote to the
    // metadata key it names, for the callers (x-user-id) and models (x-ai-eg-model) it selects.
    const rules = findObject(objects, 'BackendTrafficPolicy', 'llm-access-rate-limits', MODELS).spec.rateLimit.global.rules as Array<{
      clientSelectors: Array<{ headers: Array<{ name: string; type: string; value?: string }> }>;
      cost?: { request: { number: number }; response: { metadata: { namespace: string; key: string } } };
      limit: { requests: number; unit: string };
    }>;
    const budgetsOf = (user: string, model: string): string[] =>
      rules
        .filter((r) => r.cost !== undefined)
        .filter((r) => r.clientSelectors.some((c) => c.headers.every((h) => h.type === 'Distinct' || new RegExp(h.value!).test(h.name === 'x-user-id' ? user : h.name === 'x-ai-eg-model' ? model : ''))))
        .map((r) => `${r.limit.requests} ${r.cost!.response.metadata.key}/${r.limit.unit}`)
        .sort();
    expect(budgetsOf('team-search', 'Qwen/Qwen2.5-7B-Instruct')).toEqual(['100000 llm_input_token/Hour', '20000 llm_output_token/Hour']);
    expect(budgetsOf('team-search', 'meta-llama/Llama-3.1-8B-Instruct')).toEqual([]);
    expect(budgetsOf('team-support', 'meta-llama/Llama-3.1-8B-Instruct')).toEqual(['2000000 llm_input_token/Hour', '400000 llm_output_token/Hour', '5000000 llm_total_token/Day']);
    expect(budgetsOf('team-support', 'food-review')).toEqual(['2000000 llm_input_token/Hour', '400000 llm_output_token/Hour', '5000000 llm_total_token/Day']);
    expect(budgetsOf('team-support', 'ibm-granite/granite-3.3-8b-instruct')).toEqual(['2000000 llm_input_token/Hour', '400000 llm_output_token/Hour']);
    // Every charged key is one Envoy AI Gateway writes on the routes of the models the rule selects.
    for (const r of rules.filter((x) => x.cost !== undefined)) {
      expect(r.cost!.request.number).toBe(0);
      expect(r.cost!.response.metadata.namespace).toBe('io.envoy.ai_gateway');
      const models = r.clientSelectors[0].headers.find((h) => h.name === 'x-ai-eg-model')!;
      for (const route of objectsOfKind(objects, 'AIGatewayRoute').filter((x) => new RegExp(models.value!).test(x.spec.rules[0].matches[0].headers[0].value))) {
        expect(route.spec.llmRequestCosts.map((c: { metadataKey: string }) => c.metadataKey), route.metadata.name).toContain(r.cost!.response.metadata.key);
      }
    }
    // POLICY.md states each budget with what counts (the usage field) and the streaming caveat.
    const policyMd = platform.renderOutputFiles()['POLICY.md'];
    expect(policyMd).toContain('| openai-meta-llama-llama-3-1-8b-instruct | tier pro (requests no subscription is selected for) | 400000 | output: `usage.completion_tokens` | user, per route | 1 hour |');
    expect(policyMd).toContain('| openai-qwen-qwen2-5-7b-instruct | tier free (requests no subscription is selected for) | 100000 | input: `usage.prompt_tokens` | user, per route | 1 hour |');
    expect(policyMd).toContain('stream_options');
  });

  it('splits Qwen into prefill and decode: KServe runs both workloads, the pool holds both, and its picker schedules each phase on its role', () => {
    const qwen = findObject(objects, 'LLMInferenceService', 'qwen2-5-7b', MODELS);
    expect(qwen.spec.prefill.replicas).toBe(2);
    expect(qwen.spec.replicas).toBe(2);
    expect(qwen.spec.prefill.template.containers[0].args).toContain('--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"kv_both"}');
    const config = (findObject(objects, 'ConfigMap', 'qwen2-5-7b-epp', MODELS) as { data?: Record<string, string> }).data?.['config.yaml'] ?? '';
    expect(config).toMatch(/name: prefill\n\s+plugins:\n\s+- pluginRef: prefill-filter/);
    expect(config).toMatch(/name: decode\n\s+plugins:\n\s+- pluginRef: decode-filter/);
    expect(config).toContain('type: disagg-profile-handler');
    // The pool selects decode and prefill pods alike (KServe's labels), on 8000 (the decode pods' routing sidecar, the prefill pods' vLLM).
    const decode = { ...(vllm('qwen2-5-7b') as { podLabels: Record<string, string> }).podLabels, 'llm-d.ai/role': 'decode' };
    const prefill = { ...(vllm('qwen2-5-7b') as { podLabels: Record<string, string> }).podLabels, 'llm-d.ai/role': 'prefill' };
    expect(blocked(objects, { from: pods(MODELS, decode), to: pods(MODELS, prefill), port: 8000 })).toEqual([]);
    expect(blocked(objects, { from: picker('qwen2-5-7b'), to: pods(MODELS, prefill), port: 8000 })).toEqual([]);
    // The other models are not split, and their pods do not reach Qwen's.
    expect(findObject(objects, 'LLMInferenceService', 'llama-3-1-8b', MODELS).spec.prefill).toBeUndefined();
    expect(blocked(objects, { from: vllm('llama-3-1-8b'), to: pods(MODELS, prefill), port: 8000 })).not.toEqual([]);
    // KServe's decode preset has the routing sidecar watch the pool KServe would create: it is pointed at this one,
    // so it forwards prompts to the pool's prefill pods (its SSRF allowlist).
    expect(qwen.spec.template.initContainers).toEqual([
      expect.objectContaining({ name: 'llm-d-routing-sidecar', args: ['--pool-group=inference.networking.k8s.io', '--inference-pool=llm-models/qwen2-5-7b'] }),
    ]);
    expect(findObject(objects, 'InferencePool', 'qwen2-5-7b', MODELS).apiVersion).toBe('inference.networking.k8s.io/v1');
  });

  it('allows exactly the serving flows: gateway -> picker (9002), gateway -> vLLM (8000), picker -> vLLM (8000), and nothing else into the models', () => {
    for (const name of services) {
      expect(blocked(objects, { from: proxies, to: picker(name), port: 9002 }), name).toEqual([]);
      expect(blocked(objects, { from: proxies, to: vllm(name), port: 8000 }), name).toEqual([]);
      expect(blocked(objects, { from: picker(name), to: vllm(name), port: 8000 }), name).toEqual([]);
      // Not the picker's metrics from the gateway, not another pool's picker, not any pod of the namespace.
      expect(blocked(objects, { from: proxies, to: picker(name), port: 9090 }), name).not.toEqual([]);
      expect(blocked(objects, { from: pods(MODELS, { app: 'debug' }), to: vllm(name), port: 8000 }), name).not.toEqual([]);
      expect(blocked(objects, { from: proxies, to: vllm(name), port: 8001 }), name).not.toEqual([]);
    }
    expect(blocked(objects, { from: picker('qwen2-5-7b'), to: vllm('llama-3-1-8b'), port: 8000 })).not.toEqual([]);
    // The vLLM pods download the weights over HTTPS, and go nowhere else.
    expect(blocked(objects, { from: vllm('llama-3-1-8b'), to: { ip: '18.239.50.1' }, port: 443 })).toEqual([]);
    expect(blocked(objects, { from: vllm('llama-3-1-8b'), to: { ip: '18.239.50.1' }, port: 80 })).not.toEqual([]);
  });

  it('serves HTTPS only, with a cert-manager certificate for the host', () => {
    const gw = findObject(objects, 'Gateway', 'llm-gateway', 'llm-edge');
    expect(gw.spec.gatewayClassName).toBe('eg');
    expect(gw.spec.listeners.map((l: { protocol: string; port: number; hostname: string }) => `${l.protocol}:${l.port}:${l.hostname}`)).toEqual(['HTTPS:443:llm.example.com']);
    expect(findObject(objects, 'Certificate', 'llm-gateway-tls', 'llm-edge').spec.dnsNames).toEqual(['llm.example.com']);
  });

  it('authenticates API keys from the secret store (Authorization: Bearer, as OpenAI clients send them) and embeds none', () => {
    expect(objectsOfKind(objects, 'ExternalSecret').map((s) => s.metadata.name).sort()).toEqual(['llm-access-key-team-labs', 'llm-access-key-team-research', 'llm-access-key-team-search', 'llm-access-key-team-support']);
    expect(objectsOfKind(objects, 'Secret').filter((s) => s.type !== 'kubernetes.io/service-account-token')).toEqual([]);
    // Every model's route is protected (Envoy AI Gateway generates an HTTPRoute of the AIGatewayRoute's name).
    for (const r of objectsOfKind(objects, 'AIGatewayRoute')) {
      const sp = findObject(objects, 'SecurityPolicy', `llm-access-${r.metadata.name}`, MODELS);
      expect(sp.spec.targetRefs, r.metadata.name).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: r.metadata.name }]);
      expect(sp.spec.apiKeyAuth.extractFrom, r.metadata.name).toEqual([{ headers: ['authorization'] }]);
    }
  });

  it('monitors each picker (alerts with their rules) and the gateway', () => {
    for (const name of services) {
      expect(findObject(objects, 'ServiceMonitor', `${name}-epp`, MODELS).spec.endpoints[0].port, name).toBe('http-metrics');
      expect(findObject(objects, 'PrometheusRule', `${name}-epp-alerts`, MODELS).spec.groups[0].rules.map((r: { alert: string }) => r.alert), name).toContain('EndpointPickerDown');
    }
    expect(findObject(objects, 'PodMonitor', 'llm-gateway-proxy', 'llm-edge').spec.namespaceSelector).toEqual({ matchNames: ['envoy-gateway-system'] });
  });

  it('is delivered by Argo CD: one Application for dist/llm-gateway in the model-serving project, which allows its namespaces and kinds', () => {
    const argoApp = Testing.app();
    const delivered = new LlmGatewayPlatform(argoApp);
    new ArgoCdPlatform(argoApp, 'argocd', { platforms: [delivered], multiClusterPlatform: delivered });
    const argo = synthObjects(argoApp);
    const application = findObject(argo, 'Application', 'llm-gateway', 'argocd');
    expect(application.spec.source.path).toBe('dist/llm-gateway');
    expect(application.spec.project).toBe('model-serving');
    const project = findObject(argo, 'AppProject', 'model-serving', 'argocd');
    expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual(expect.arrayContaining(['llm-edge', 'llm-models']));
    const kinds = project.spec.namespaceResourceWhitelist.map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['inference.networking.k8s.io/InferencePool', 'serving.kserve.io/LLMInferenceService', 'llm-d.ai/InferenceModelRewrite', 'llm-d.ai/InferenceObjective']));
  });

  it('explains the routing in its README (model name -> pool -> LLMInferenceService) and lists the cluster setup it needs', () => {
    const readmeApp = Testing.app();
    new LlmGatewayPlatform(readmeApp);
    const [out] = buildPlatforms(readmeApp);
    const readme = out.files['README.md'];
    expect(readme).toContain('| AIGatewayRoute llm-models/openai-meta-llama-llama-3-1-8b-instruct | llm-gateway/https | llm.example.com | header `x-ai-eg-model` = `meta-llama/Llama-3.1-8B-Instruct` | InferencePool llama-3-1-8b |');
    expect(readme).toContain('InferencePool_llm_models_qwen2_5_7b --> LLMInferenceService_llm_models_qwen2_5_7b');
    expect(readme).toContain('rewrites to v1 for 90% of requests');
    for (const topic of ['PersistentVolumeClaim llm-models/lora-adapters', 'Secret llm-models/hf-token', 'Envoy Gateway: InferencePool backends through Envoy AI Gateway', 'ClusterSecretStore llm-api-keys']) {
      expect(readme, topic).toContain(`### ${topic}`);
    }
  });

  it('keeps the objects the platform is made of (snapshot)', () => {
    expect(platform.platformName).toBe('llm-gateway');
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toMatchSnapshot();
  });
});
