import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { SecretRef } from '../core/secret-ref';
import { AllowedRoutes } from '../gateway/allowed-routes';
import { Gateway } from '../gateway/gateway';
import { GatewayProvider } from '../gateway/gateway-provider';
import { Listener } from '../gateway/listener';
import { AccessLog } from '../observability/access-log';
import { GatewayMonitoring } from '../observability/gateway-monitoring';
import { AuthorinoMonitoring, LimitadorMonitoring } from '../observability/kuadrant-monitoring';
import { ModelEndpoint } from '../platform/model-endpoint';
import { AccessPolicy } from '../policy/access-policy';
import { ApiKeyAuth, ApiKeyLocation } from '../policy/authentication';
import { MeshMtls } from '../policy/istio/mesh-mtls';
import { Kuadrant } from '../policy/kuadrant/kuadrant';
import { Limitador, LimitadorStorage } from '../policy/kuadrant/limitador';
import { RateLimit, RateLimitMode, TokenLimit } from '../policy/rate-limit';
import { Tier } from '../policy/tier';
import { InferenceService } from '../serving/inference-service';
import { Predictor } from '../serving/predictor';
import { ModelFormat } from '../serving/model-format';
import { ClusterServingRuntime } from '../serving/serving-runtime';
import { Storage } from '../serving/storage';
import { RUNBOOK_BASE_URL } from './assets';

/** The vLLM image the MaaS runtime runs (pinned; the write-up used `latest`). */
const MAAS_VLLM_IMAGE = 'vllm/vllm-openai:v0.11.0';
/** The Text Embeddings Inference image for the embedding model. */
const MAAS_TEI_IMAGE = 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8';

/**
 * Reference platform `maas` (deployment 002): Models-as-a-Service with vLLM
 * models on KServe behind an Istio Gateway, with Kuadrant API keys and rate
 * limits.
 *
 * - `llm`: ClusterServingRuntimes `vllm-runtime` (pinned vLLM OpenAI server
 *   on 8080, GPU) and `tei-runtime`; InferenceServices `qwen3-0-6b-instruct`
 *   (hf://Qwen/Qwen3-0.6B), `granite-code`, `mistral-7b-instruct` on GPUs,
 *   `nomic-embed` on TEI (Standard mode); Istio Gateway `kuadrant-gateway`
 *   (HTTPS only); HTTPRoutes `/qwen3`, `/granite`, `/mistral`,
 *   `/nomic-embed` rewritten to `/` at each predictor; STRICT mesh mTLS with
 *   only the gateway admitted to the predictors.
 * - Access: API keys in `Authorization: APIKEY <key>`, one Secret per holder
 *   pulled by ExternalSecrets from the `maas-api-keys` store and labelled
 *   with the tier (free, premium, enterprise); per-tier RateLimitPolicy and
 *   TokenRateLimitPolicy counted per user in Limitador (Redis storage).
 * - `kuadrant-system` (managed by the Kuadrant install): the Kuadrant and
 *   Limitador resources and the key Secrets.
 *
 * Compared with the write-up: no API key is written in YAML, images are
 * pinned, `--trust-remote-code` is opt-in per model (only Qwen3), gated
 * models read the Hugging Face token by reference, and the gateway is the
 * access path (no port-forward).
 */
export class MaasPlatform extends Platform {
  /** The LLM namespace. */
  public readonly llm: Namespace;
  /** The gateway. */
  public readonly gateway: Gateway;
  /** The models, by name. */
  public readonly models: Readonly<Record<string, InferenceService>>;
  /** The models' endpoints (route, access, monitoring), by model name. */
  public readonly endpoints: Readonly<Record<string, ModelEndpoint>>;
  /** The access policy. */
  public readonly accessPolicy: AccessPolicy;

  public constructor(scope: Construct, id = 'maas') {
    super(scope, id, { description: 'Models-as-a-Service: vLLM models on KServe behind an Istio gateway with Kuadrant API keys and rate limits.' });
    this.llm = new Namespace(this, 'llm');
    const kuadrantSystem = new Namespace(this, 'kuadrant-system', { external: true });
    new Kuadrant(kuadrantSystem, 'kuadrant');
    new Limitador(kuadrantSystem, 'limitador', { storage: LimitadorStorage.redis(SecretRef.named('limitador-redis')), replicas: 2 });

    // The context length is per model: vLLM exits at start when --max-model-len exceeds the model's own
    // (granite-3b-code-instruct-2k has 2048 tokens), so the shared runtime sets none.
    const vllm = ClusterServingRuntime.vllm(this, 'vllm-runtime', { image: MAAS_VLLM_IMAGE });
    const tei = ClusterServingRuntime.textEmbeddingsInference(this, 'tei-runtime', { image: MAAS_TEI_IMAGE });
    const hfToken = SecretRef.named('hf-token');
    const gpuResources = (memory: string) => ({ requests: { cpu: '2', memory, nvidiaGpu: '1' }, limits: { cpu: '8', memory, nvidiaGpu: '1' } });
    const llm = (name: string, repo: string, memory: string, extra: { readonly args?: readonly string[]; readonly gated?: boolean } = {}) =>
      new InferenceService(this.llm, name, {
        predictor: Predictor.model({
          format: ModelFormat.custom('vLLM'),
          runtime: vllm,
          storage: Storage.hf(repo, extra.gated ? { tokenSecretRef: hfToken } : {}),
          args: extra.args,
          resources: gpuResources(memory),
        }),
        nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      });
    const qwen = llm('qwen3-0-6b-instruct', 'Qwen/Qwen3-0.6B', '8Gi', { args: ['--trust-remote-code', '--max-model-len=8192'] });
    const granite = llm('granite-code', 'ibm-granite/granite-3b-code-instruct-2k', '16Gi', { args: ['--max-model-len=2048'] });
    const mistral = llm('mistral-7b-instruct', 'mistralai/Mistral-7B-Instruct-v0.3', '24Gi', { args: ['--max-model-len=8192'], gated: true });
    const nomic = new InferenceService(this.llm, 'nomic-embed', {
      predictor: Predictor.model({
        format: ModelFormat.custom('text-embeddings'),
        runtime: tei,
        storage: Storage.hf('nomic-ai/nomic-embed-text-v1.5'),
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } },
      }),
    });
    this.models = Object.fromEntries([qwen, granite, mistral, nomic].map((m) => [m.serviceName, m]));

    this.gateway = new Gateway(this.llm, 'kuadrant-gateway', {
      provider: GatewayProvider.ISTIO,
      listeners: [Listener.https({ certificates: [SecretRef.named('kuadrant-gateway-tls')], allowedRoutes: AllowedRoutes.sameNamespace() })],
    });
    // Under STRICT mesh mTLS before the models' monitoring, so their scrapes go through Istio's metrics merging.
    new MeshMtls(this.llm, 'mesh-mtls', { gateway: this.gateway, ports: [8080] });
    const bundle = { runbookBaseUrl: RUNBOOK_BASE_URL };
    const gatewayMonitoring = new GatewayMonitoring(this.llm, 'gateway-monitoring', { gateway: this.gateway, ...bundle });
    // Each model under a path prefix of its own, rewritten to `/` at the predictor; vLLM models get the LLM
    // monitoring bundle. The embedding model (TEI) has no vLLM metrics: the model bundle with the gateway's view
    // of its traffic, TEI serving its Prometheus metrics on its own port (--prometheus-port, 9000 by default).
    const endpoint = (name: string, model: InferenceService, metricsPort?: number) =>
      new ModelEndpoint(this.llm, `${name}-endpoint`, { model, name, path: `/${name}`, gateway: this.gateway.listener('https'), monitoring: { gateway: gatewayMonitoring, metricsPort, ...bundle } });
    const endpoints = { qwen3: endpoint('qwen3', qwen), granite: endpoint('granite', granite), mistral: endpoint('mistral', mistral), nomic: endpoint('nomic-embed', nomic, 9000) };

    this.endpoints = Object.fromEntries(Object.values(endpoints).map((e) => [e.model.serviceName, e]));

    const free = new Tier('free', { limits: [RateLimit.perMinute(10)], tokenLimits: [TokenLimit.perMinute(1000)], models: [endpoints.qwen3, endpoints.nomic] });
    const premium = new Tier('premium', { limits: [RateLimit.perMinute(100)], tokenLimits: [TokenLimit.perMinute(50_000)], models: [endpoints.granite], inherits: free });
    const enterprise = new Tier('enterprise', { limits: [RateLimit.perMinute(1000)], tokenLimits: [TokenLimit.perMinute(100_000)], models: [endpoints.mistral], inherits: premium });
    this.accessPolicy = new AccessPolicy(this.llm, 'maas', {
      gateway: this.gateway,
      routes: Object.values(endpoints),
      authentication: [
        ApiKeyAuth.fromExternalSecrets({
          location: ApiKeyLocation.authorizationHeader('APIKEY'),
          secretStore: { name: 'maas-api-keys' },
          holders: [
            { userId: 'demo-free', tier: 'free', remoteKey: 'maas/api-keys/demo-free' },
            { userId: 'demo-premium', tier: 'premium', remoteKey: 'maas/api-keys/demo-premium' },
            { userId: 'demo-enterprise', tier: 'enterprise', remoteKey: 'maas/api-keys/demo-enterprise' },
          ],
        }),
      ],
      tiers: [free, premium, enterprise],
      rateLimitMode: RateLimitMode.GLOBAL,
    });

    new LimitadorMonitoring(kuadrantSystem, 'limitador-monitoring', { ...bundle });
    new AuthorinoMonitoring(kuadrantSystem, 'authorino-monitoring', { ...bundle });
    new AccessLog(this.llm, 'access-log', { gateway: this.gateway });
  }
}
