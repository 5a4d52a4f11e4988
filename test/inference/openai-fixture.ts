import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EndpointPicker } from '../../src/inference/endpoint-picker';
import { FailureMode, InferencePool } from '../../src/inference/inference-pool';
import { LlmProvider } from '../../src/inference/llm-provider';
import { ModelServers } from '../../src/inference/model-servers';
import { InferenceService } from '../../src/serving/inference-service';
import { ModelFormat } from '../../src/serving/model-format';
import { Predictor } from '../../src/serving/predictor';
import { Storage } from '../../src/serving/storage';
import { setup } from '../util';

/**
 * The backends an `OpenAiEndpoint` test routes to, on a Gateway of `provider`: a vLLM InferenceService (`qwen`), an
 * InferencePool over it with its endpoint picker (`llama-pool`), and two external providers (Azure OpenAI, OpenAI)
 * whose keys are Secret references.
 */
export function openAiBackends(provider: GatewayProvider, options: { readonly requireAccessPolicies?: boolean } = {}) {
  const f = setup(['edge', 'models'], { requireAccessPolicies: options.requireAccessPolicies ?? false });
  const gateway = new Gateway(f.ns.edge, 'gateway', {
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })],
  });
  const qwen = new InferenceService(f.ns.models, 'qwen', {
    predictor: Predictor.model({ format: ModelFormat.custom('vllm'), storage: Storage.uri('hf://Qwen/Qwen2.5-7B-Instruct'), resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '8', memory: '32Gi', nvidiaGpu: '1' } } }),
  });
  const pool = new InferencePool(f.ns.models, 'llama-pool', { modelServers: ModelServers.of(qwen), failureMode: FailureMode.FAIL_CLOSE });
  new EndpointPicker(f.ns.models, 'llama-epp', { pool, replicas: 2 });
  const azure = LlmProvider.azureOpenAi('azure', { hostname: 'my-resource.openai.azure.com', apiKey: SecretRef.named('azure-key'), apiVersion: '2025-01-01-preview' });
  const openai = LlmProvider.openAi('openai', { apiKey: SecretRef.named('openai-key') });
  return { ...f, gateway, qwen, pool, azure, openai };
}
