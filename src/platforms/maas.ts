import { Construct } from 'constructs';
import { Namespace } from '../core/namespace';
import { Platform } from '../core/platform';
import { SecretRef } from '../core/secret-ref';
import { InferenceService } from '../serving/inference-service';
import { ModelFormat } from '../serving/model-format';
import { ClusterServingRuntime } from '../serving/serving-runtime';
import { Storage } from '../serving/storage';

/** The vLLM image the MaaS runtime runs (pinned; the write-up used `latest`). */
export const MAAS_VLLM_IMAGE = 'vllm/vllm-openai:v0.11.0';
/** The Text Embeddings Inference image for the embedding model. */
export const MAAS_TEI_IMAGE = 'ghcr.io/huggingface/text-embeddings-inference:cpu-1.8';

/**
 * Reference platform `maas` (deployment 002): Models-as-a-Service with vLLM
 * models on KServe in namespace `llm`, Standard deployment mode.
 *
 * - ClusterServingRuntimes `vllm-runtime` (pinned vLLM OpenAI server on 8080,
 *   GPU) and `tei-runtime` (Text Embeddings Inference);
 * - InferenceServices `qwen3-0-6b-instruct` (hf://Qwen/Qwen3-0.6B),
 *   `granite-code`, `mistral-7b-instruct` on GPUs, `nomic-embed` on TEI.
 *
 * `--trust-remote-code` is opt-in per model (only Qwen3, as the write-up
 * needed), gated models read the Hugging Face token from the Secret `hf-token`
 * by reference, and images are pinned.
 */
export class MaasPlatform extends Platform {
  /** The LLM namespace. */
  public readonly llm: Namespace;
  /** The models, by name. */
  public readonly models: Readonly<Record<string, InferenceService>>;

  public constructor(scope: Construct, id = 'maas') {
    super(scope, id, { description: 'Models-as-a-Service: vLLM models on KServe behind an Istio gateway with Kuadrant API keys and rate limits.' });
    this.llm = new Namespace(this, 'llm');
    const vllm = ClusterServingRuntime.vllm(this, 'vllm-runtime', { image: MAAS_VLLM_IMAGE, maxModelLen: 8192 });
    const tei = ClusterServingRuntime.textEmbeddingsInference(this, 'tei-runtime', { image: MAAS_TEI_IMAGE });
    const hfToken = SecretRef.named('hf-token');
    const gpuResources = (memory: string) => ({ requests: { cpu: '2', memory, nvidiaGpu: '1' }, limits: { cpu: '8', memory, nvidiaGpu: '1' } });

    const llm = (name: string, repo: string, memory: string, extra: { readonly args?: readonly string[]; readonly gated?: boolean } = {}) =>
      new InferenceService(this.llm, name, {
        modelFormat: ModelFormat.custom('vLLM'),
        runtime: vllm,
        storage: Storage.hf(repo, extra.gated ? { tokenSecretRef: hfToken } : {}),
        args: extra.args,
        resources: gpuResources(memory),
        nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      });

    const models = [
      llm('qwen3-0-6b-instruct', 'Qwen/Qwen3-0.6B', '8Gi', { args: ['--trust-remote-code'] }),
      llm('granite-code', 'ibm-granite/granite-3b-code-instruct-2k', '16Gi'),
      llm('mistral-7b-instruct', 'mistralai/Mistral-7B-Instruct-v0.3', '24Gi', { gated: true }),
      new InferenceService(this.llm, 'nomic-embed', {
        modelFormat: ModelFormat.custom('text-embeddings'),
        runtime: tei,
        storage: Storage.hf('nomic-ai/nomic-embed-text-v1.5'),
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } },
      }),
    ];
    this.models = Object.fromEntries(models.map((m) => [m.serviceName, m]));
  }
}
