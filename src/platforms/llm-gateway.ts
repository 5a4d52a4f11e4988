import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { SecretRef } from '../core/secret-ref';
import { AllowedRoutes } from '../gateway/allowed-routes';
import { Gateway } from '../gateway/gateway';
import { GatewayProvider } from '../gateway/gateway-provider';
import { Listener } from '../gateway/listener';
import { EndpointPicker } from '../inference/endpoint-picker';
import { EndpointPickerConfig } from '../inference/endpoint-picker-config';
import { EndpointPickerMonitoring } from '../inference/endpoint-picker-monitoring';
import { InferenceModelRewrite } from '../inference/inference-model-rewrite';
import { InferenceObjective } from '../inference/inference-objective';
import { FailureMode, InferencePool } from '../inference/inference-pool';
import { ModelServers } from '../inference/model-servers';
import { OpenAiEndpoint } from '../inference/openai-endpoint';
import { AccessLog } from '../observability/access-log';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { LlmInferenceServiceMonitoring } from '../observability/llm-inference-service-monitoring';
import { AccessPolicy } from '../policy/access-policy';
import { ApiKeyAuth, ApiKeyLocation } from '../policy/authentication';
import { RateLimit, RateLimitMode, TokenCount, TokenLimit } from '../policy/rate-limit';
import { RedisReference } from '../policy/redis';
import { Subscription } from '../policy/subscription';
import { Tier } from '../policy/tier';
import { LlmInferenceService, LlmLoraAdapter } from '../serving/llm-inference-service';
import { Storage } from '../serving/storage';
import { Certificate, CertificateIssuer } from '../tls/certificate';
import { RUNBOOK_BASE_URL } from './assets';

/** The public host name of the platform's OpenAI-compatible endpoint. */
const HOST = 'llm.example.com';

/** The model names clients send (the Hugging Face repository ids, as vLLM serves them). */
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const QWEN = 'Qwen/Qwen2.5-7B-Instruct';
const GRANITE = 'ibm-granite/granite-3.3-8b-instruct';

/** The README's opening: what the platform is and how a request is routed. */
const DESCRIPTION = [
  'LLM serving with inference-aware routing: vLLM models on KServe LLMInferenceServices behind InferencePools with endpoint pickers, one OpenAI-compatible endpoint on Envoy AI Gateway routed on the model name, API keys with per-tier request limits and input/output token budgets, and subscriptions whose token budgets replace the tier budgets on the models they grant (POLICY.md).',
  '',
  `How a request is routed: a client calls \`https://${HOST}/v1/chat/completions\` (or \`/v1/completions\`, \`/v1/embeddings\`, \`/v1/models\`) with \`Authorization: Bearer <key>\`. Envoy Gateway checks the key and the caller's tier (POLICY.md), Envoy AI Gateway copies the body's \`model\` into \`x-ai-eg-model\`, and the AIGatewayRoute of that model (one per model name, table below) sends the request to the model's InferencePool. The pool's endpoint picker chooses the vLLM replica (queue depth, KV-cache use, prefix-cache hits, and for Llama the replicas that have the requested LoRA adapter loaded). A model name no route lists gets 404.`,
  '',
  `Model names: \`${LLAMA}\`, its LoRA adapters \`food-review-v1\` and \`food-review-v2\`, and \`food-review\`, which the Llama picker rewrites to v1 for 90% of requests and to v2 for 10% (InferenceModelRewrite \`food-review-rollout\`); \`${QWEN}\`; \`${GRANITE}\`. Requests may name an objective in \`x-llm-d-inference-objective\` (llm-d router v0.10.0 pkg/epp/metadata/consts.go; the older \`x-gateway-inference-objective\` is still read): \`<model>-interactive\` (priority 10) is served first, \`<model>-batch\` (priority -10) is shed first when a pool is saturated.`,
  '',
  `Qwen runs split into prefill and decode: its picker schedules a request's prompt on a prefill pod (\`llm-d.ai/role: prefill\`) and its generation on a decode pod when the prompt has more than 16 tokens the decode pod has not cached; the decode pod's routing sidecar fetches the KV cache from the prefill pod (NIXL) and accepts only prefill pods of the pool \`qwen2-5-7b\`.`,
  '',
  "Each pool fails closed (Envoy AI Gateway ignores the pool's failureMode and always does): its picker runs two replicas with leader election. KServe deploys no scheduler of its own for these models, so each model has exactly the one picker shown below.",
].join('\n');

/** One model of the platform: its LLMInferenceService, the pool that serves it and the pool's picker. */
export interface LlmGatewayModel {
  /** The model servers (vLLM, managed by KServe). */
  readonly service: LlmInferenceService;
  /** The pool of its pods the gateway routes to. */
  readonly pool: InferencePool;
  /** The pool's endpoint picker. */
  readonly picker: EndpointPicker;
  /** Its vLLM monitoring: time to first token (alert and SLO), inter-token latency, preemptions, queue, KV cache. */
  readonly monitoring: LlmInferenceServiceMonitoring;
  /** Every model name clients may send for it (base model, LoRA adapters, rewritten aliases). */
  readonly modelNames: readonly string[];
}

/** Props of {@link LlmGatewayPlatform}. */
export interface LlmGatewayPlatformProps {
  /**
   * The gateway implementation the endpoint, the pools and the access
   * policy compile for.
   * @default GatewayProvider.ENVOY_GATEWAY (with Envoy AI Gateway)
   */
  readonly provider?: GatewayProvider;
}

/**
 * Reference platform `llm-gateway`: LLM serving as it is done now. Several
 * vLLM models on KServe `LLMInferenceService`s, each behind a Gateway API
 * Inference Extension `InferencePool` whose endpoint picker (llm-d router)
 * chooses the replica per request (queue depth, KV-cache use, prefix-cache
 * hits, loaded LoRA adapters), one OpenAI-compatible endpoint on Envoy
 * Gateway with Envoy AI Gateway that routes on the body's `model`, API keys
 * with per-tier request limits and input/output/total token budgets,
 * subscriptions (`bulk`, `adapters`) whose budgets replace the tier's on the
 * models they grant (a key holder names one in `x-subscription`, else its
 * highest priority one counts), and the pickers' and gateway's monitoring. The same platform compiles for
 * agentgateway (`provider: GatewayProvider.AGENTGATEWAY`, tested to read back
 * into the same routing, access and limits, with the gateway's monitoring and
 * access log on agentgateway's own metrics and log).
 *
 * - `llm-edge`: Envoy Gateway `llm-gateway`, HTTPS only on `llm.example.com`
 *   with a cert-manager certificate, admitting routes from `llm-models`.
 * - `llm-models`: the models (`llama-3-1-8b` with two LoRA adapters and a weighted
 *   rollout between them, `qwen2-5-7b` split into prefill and decode,
 *   `granite-3-3-8b`), one pool and one
 *   picker (two replicas, leader election) per model, `FailClose` (what Envoy
 *   AI Gateway does whatever the pool says), request objectives with
 *   priorities, default-deny NetworkPolicies with exact allows
 *   (gateway -> picker on 9002, gateway -> model pods on 8000, picker ->
 *   model pods on 8000, Prometheus -> picker metrics).
 *
 * KServe creates no pool and no picker of its own for these models: their
 * `spec.router` asks for no scheduler (kserve v0.20.0
 * pkg/controller/v1alpha2/llmisvc/scheduler.go deletes the scheduler
 * Deployment, Service and InferencePool unless `router.scheduler` has a
 * template and no pool ref), so each model has exactly one picker, the one
 * defined here.
 */
export class LlmGatewayPlatform extends Platform {
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The models, by LLMInferenceService name. */
  public readonly models: Readonly<Record<string, LlmGatewayModel>>;
  /** The OpenAI-compatible endpoint, routed on the body's `model`. */
  public readonly endpoint: OpenAiEndpoint;
  /** The access policy. */
  public readonly accessPolicy: AccessPolicy;

  public constructor(scope: Construct, id = 'llm-gateway', props: LlmGatewayPlatformProps = {}) {
    super(scope, id, { description: DESCRIPTION });
    const edge = new Namespace(this, 'llm-edge');
    const llm = new Namespace(this, 'llm-models');

    const certificate = new Certificate(edge, 'llm-gateway-tls', { issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod'), dnsNames: [HOST] });
    this.gateway = new Gateway(edge, 'llm-gateway', {
      provider: props.provider ?? GatewayProvider.ENVOY_GATEWAY,
      listeners: [Listener.https({ hostname: HOST, certificates: [certificate], allowedRoutes: AllowedRoutes.fromNamespaces([llm]) })],
    });

    const hfToken = SecretRef.named('hf-token');
    const gpu = (count: string, memory: string) => ({ requests: { cpu: '4', memory, nvidiaGpu: count }, limits: { cpu: '8', memory, nvidiaGpu: count } });
    const llmModel = (
      name: string,
      props: {
        readonly repo: string;
        readonly replicas: number;
        readonly memory: string;
        readonly args: readonly string[];
        readonly gated?: boolean;
        readonly loraAdapters?: readonly LlmLoraAdapter[];
        /** Prefill replicas: split prompt processing (prefill) from token generation (decode). */
        readonly prefillReplicas?: number;
      },
    ): LlmGatewayModel => {
      const service = new LlmInferenceService(llm, name, {
        model: Storage.hf(props.repo, props.gated ? { tokenSecretRef: hfToken } : {}),
        modelName: props.repo,
        replicas: props.replicas,
        loraAdapters: props.loraAdapters,
        loraLimits: props.loraAdapters ? { maxAdapters: props.loraAdapters.length, maxRank: 16 } : undefined,
        container: { args: props.args, resources: gpu('1', props.memory) },
        nodeSelector: { 'nvidia.com/gpu.present': 'true' },
        prefill: props.prefillReplicas === undefined ? undefined : { replicas: props.prefillReplicas, container: { args: props.args, resources: gpu('1', props.memory) }, nodeSelector: { 'nvidia.com/gpu.present': 'true' } },
      });
      // Envoy AI Gateway always fails closed (its ext_proc filter ignores failureMode): the pool says so, and two picker
      // replicas with leader election keep the pool routable through a picker restart.
      const pool = new InferencePool(llm, `${name}-pool`, { name, modelServers: ModelServers.of(service), failureMode: FailureMode.FAIL_CLOSE });
      const config = service.disaggregated ? prefillDecodeConfig() : pickerConfig(props.loraAdapters !== undefined);
      const picker = new EndpointPicker(llm, `${name}-epp`, { pool, replicas: 2, config });
      new EndpointPickerMonitoring(llm, `${name}-epp-monitoring`, { picker, runbookBaseUrl: RUNBOOK_BASE_URL });
      const monitoring = new LlmInferenceServiceMonitoring(llm, `${name}-monitoring`, { model: service, runbookBaseUrl: RUNBOOK_BASE_URL });
      return { service, pool, picker, monitoring, modelNames: [props.repo, ...(props.loraAdapters ?? []).map((a) => a.name)] };
    };

    const llama = llmModel('llama-3-1-8b', {
      repo: LLAMA,
      replicas: 3,
      memory: '32Gi',
      args: ['--max-model-len=16384'],
      gated: true,
      loraAdapters: [
        { name: 'food-review-v1', storage: Storage.pvc('lora-adapters', 'food-review-v1') },
        { name: 'food-review-v2', storage: Storage.pvc('lora-adapters', 'food-review-v2') },
      ],
    });
    // Qwen runs disaggregated: 2 prefill replicas process prompts, 2 decode replicas generate, and the KV cache moves
    // from prefill to decode over NIXL (vLLM's NixlConnector, kv_both on each side as KServe's P/D samples configure it).
    const qwen = llmModel('qwen2-5-7b', { repo: QWEN, replicas: 2, prefillReplicas: 2, memory: '32Gi', args: ['--max-model-len=32768', '--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"kv_both"}'] });
    // KServe's decode preset points the routing sidecar at the pool KServe would create; this pool is the app's.
    qwen.service.useRoutingSidecarPool(qwen.pool);
    const granite = llmModel('granite-3-3-8b', { repo: GRANITE, replicas: 2, memory: '32Gi', args: ['--max-model-len=16384'] });

    this.addSetupNote(
      `PersistentVolumeClaim ${llm.name}/lora-adapters`,
      `The LoRA adapters of \`${llama.service.serviceName}\` are read from the PVC \`lora-adapters\` in \`${llm.name}\` (\`pvc://lora-adapters/food-review-v1\`, \`pvc://lora-adapters/food-review-v2\`: one folder per adapter, as \`adapter_config.json\` and weights). Create it (ReadOnlyMany, or ReadWriteOnce on a single node) and copy the adapters there before syncing; KServe mounts it into the vLLM pods.`,
    );
    // The LoRA rollout: clients ask for `food-review`; the picker rewrites 90% to v1 and 10% to v2.
    new InferenceModelRewrite(llm, 'food-review-rollout', {
      pool: llama.pool,
      rules: [{ models: ['food-review'], targets: [{ model: 'food-review-v1', weight: 90 }, { model: 'food-review-v2', weight: 10 }] }],
    });
    const llamaModel: LlmGatewayModel = { ...llama, modelNames: [...llama.modelNames, 'food-review'] };
    // Interactive requests are served first; batch requests are shed first when the pool saturates.
    for (const m of [llamaModel, qwen, granite]) {
      new InferenceObjective(llm, `${m.service.serviceName}-interactive`, { pool: m.pool, priority: 10 });
      new InferenceObjective(llm, `${m.service.serviceName}-batch`, { pool: m.pool, priority: -10 });
    }
    this.models = Object.fromEntries([llamaModel, qwen, granite].map((m) => [m.service.serviceName, m]));

    // One OpenAI-compatible endpoint: Envoy AI Gateway reads the body's `model` into `x-ai-eg-model` and routes each
    // name to its pool; the LoRA adapters and the rollout alias are names of the Llama pool, whose picker loads them.
    this.endpoint = new OpenAiEndpoint(llm, 'openai', {
      gateway: this.gateway.listener('https'),
      hostnames: [HOST],
      models: Object.values(this.models).flatMap((m) => m.modelNames.map((name) => ({ name, backends: [m.pool] }))),
    });

    const bundle = { runbookBaseUrl: RUNBOOK_BASE_URL };
    // The gateway's proxies: Envoy Gateway's Envoy stats (19001), or agentgateway's own metrics (15020).
    new GatewayMonitoring(edge, 'gateway-monitoring', { gateway: this.gateway, ...bundle });

    // Tiers decide who may call which model (403 otherwise): free the Qwen and Granite models, pro also Llama and its
    // adapters (the rollout alias and both versions).
    const model = (name: string) => this.endpoint.model(name);
    // Token budgets match billing: input (prompt) and output (completion) tokens are priced apart, so each is budgeted
    // apart, per caller and model, per hour; pro also has a daily total on the Llama model and its adapters (GPU-heavy).
    const free = new Tier('free', {
      limits: [RateLimit.perMinute(20)],
      tokenLimits: [TokenLimit.perHour(100_000, { counts: TokenCount.INPUT }), TokenLimit.perHour(20_000, { counts: TokenCount.OUTPUT })],
      models: [model(QWEN), model(GRANITE)],
    });
    const llamaNames = llamaModel.modelNames.map(model);
    const pro = new Tier('pro', {
      limits: [RateLimit.perMinute(200)],
      tokenLimits: [
        TokenLimit.perHour(2_000_000, { counts: TokenCount.INPUT }),
        TokenLimit.perHour(400_000, { counts: TokenCount.OUTPUT }),
        TokenLimit.perDay(5_000_000, { counts: TokenCount.TOTAL, models: llamaNames }),
      ],
      models: llamaNames,
      inherits: free,
    });
    // Subscriptions are bought on top of a tier: their budgets replace the tier's on the models they grant (the tier
    // still decides access). bulk (batch summarisation) has one daily total on Qwen and Granite; adapters a daily total
    // and an hourly output budget on Llama, its adapters and Qwen. A holder of both is counted by bulk on Qwen unless
    // the request names adapters in x-subscription.
    const bulk = new Subscription('bulk', { priority: 10, grants: [{ models: [model(QWEN), model(GRANITE)], tokenLimits: [TokenLimit.perDay(20_000_000)] }] });
    const adapters = new Subscription('adapters', {
      priority: 5,
      grants: [{ models: [...llamaNames, model(QWEN)], tokenLimits: [TokenLimit.perDay(10_000_000), TokenLimit.perHour(1_000_000, { counts: TokenCount.OUTPUT })] }],
    });
    this.accessPolicy = new AccessPolicy(llm, 'llm-access', {
      gateway: this.gateway,
      routes: [this.endpoint],
      authentication: [
        ApiKeyAuth.fromExternalSecrets({
          location: ApiKeyLocation.authorizationHeader('Bearer'),
          secretStore: { name: 'llm-api-keys' },
          holders: [
            { userId: 'team-search', tier: 'free', remoteKey: 'llm/api-keys/team-search' },
            { userId: 'team-support', tier: 'pro', remoteKey: 'llm/api-keys/team-support' },
            { userId: 'team-labs', tier: 'free', remoteKey: 'llm/api-keys/team-labs', subscriptions: [bulk] },
            { userId: 'team-research', tier: 'pro', remoteKey: 'llm/api-keys/team-research', subscriptions: [bulk, adapters] },
          ],
        }),
      ],
      tiers: [free, pro],
      subscriptions: [bulk, adapters],
      rateLimitMode: RateLimitMode.GLOBAL,
      redis: RedisReference.of({ host: 'redis-master.redis.svc.cluster.local', password: { secret: SecretRef.named('redis-auth'), key: 'redis-password' }, namespace: 'redis' }),
    });
    new AccessLog(edge, 'access-log', { gateway: this.gateway });
  }
}

/**
 * The picker's scheduling for a prefill/decode pool, as llm-d router
 * v0.10.0 samples it (deploy/config/pd-epp-config.yaml): a `prefill` profile
 * on the pods labelled `llm-d.ai/role: prefill` and a `decode` profile on the
 * decode pods, each scoring prefix-cache hits (2) and queue depth (1); the
 * `disagg-profile-handler` runs prefill on a separate pod only when the
 * prompt has more than 16 tokens not in the decode pod's prefix cache
 * (`prefix-based-pd-decider`), plus the chart's metrics data source.
 */
function prefillDecodeConfig(): EndpointPickerConfig {
  const profile = (role: 'prefill' | 'decode') => ({
    name: role,
    plugins: [{ pluginRef: `${role}-filter` }, { pluginRef: 'max-score-picker' }, { pluginRef: 'prefix-cache-scorer', weight: 2 }, { pluginRef: 'queue-scorer', weight: 1 }],
  });
  return EndpointPickerConfig.of({
    plugins: [
      { type: 'approx-prefix-cache-producer', parameters: { maxPrefixTokensToMatch: 16384, lruCapacityPerServer: 31250 } },
      { type: 'prefix-cache-scorer' },
      { type: 'queue-scorer' },
      { type: 'prefill-filter' },
      { type: 'decode-filter' },
      { type: 'max-score-picker' },
      { type: 'disagg-profile-handler', parameters: { deciders: { prefill: 'prefix-based-pd-decider' } } },
      { type: 'prefix-based-pd-decider', parameters: { nonCachedTokens: 16 } },
      { type: 'metrics-data-source', parameters: { scheme: 'http', path: '/metrics', insecureSkipVerify: true } },
      { type: 'core-metrics-extractor' },
    ],
    schedulingProfiles: [profile('prefill'), profile('decode')],
  });
}

/**
 * The pickers' scheduling: the upstream chart's default (queue, KV-cache and
 * prefix-cache scorers) plus, for a pool serving LoRA adapters, the
 * `lora-affinity-scorer` weighted 4 as KServe's scheduler config does
 * (kserve v0.20.0 pkg/controller/v1alpha2/llmisvc/scheduler.go), so requests
 * for an adapter go to replicas that have it loaded.
 */
function pickerConfig(loraAffinity: boolean): EndpointPickerConfig {
  return loraAffinity ? EndpointPickerConfig.default().withScorer('lora-affinity-scorer', 4) : EndpointPickerConfig.default();
}
