import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRoute } from '../../src/routing/http-route';
import { LlmInferenceService } from '../../src/serving/llm-inference-service';
import { Storage } from '../../src/serving/storage';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';

const GPU = { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } };

// An LLMInferenceService's workload is vLLM's OpenAI server, which streams: a plain HttpRoute to it gets the same
// stream-safe defaults as a route to an InferencePool (no whole-request timeout, the Gateway's LLM client traffic).
describe('an HttpRoute of your own to an LLMInferenceService workload', () => {
  function world() {
    const { app, ns } = setup(['edge', 'models'], { requireAccessPolicies: false });
    const gateway = new Gateway(ns.edge, 'gateway', { provider: GatewayProvider.ENVOY_GATEWAY, listeners: [Listener.https({ certificates: [SecretRef.named('gateway-tls')], allowedRoutes: AllowedRoutes.fromNamespaces([ns.models]) })] });
    const llm = new LlmInferenceService(ns.models, 'qwen', { model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: GPU } });
    return { app, ns, listener: gateway.listener('https'), llm };
  }

  it('turns the whole-request timeout off and gives the Envoy Gateway its buffer limit and stream idle timeout', () => {
    const w = world();
    new HttpRoute(w.ns.models, 'qwen-route', { parents: [w.listener], rules: [{ matches: w.llm.routeMatches(), backends: [w.llm] }] });
    const objects = synthObjects(w.app);
    const rule = findObject(objects, 'HTTPRoute', 'qwen-route', 'models').spec.rules[0];
    expect(rule.backendRefs[0].name).toBe(w.llm.workloadServiceName);
    expect(rule.timeouts).toEqual({ request: '0s' });
    const [ctp] = objectsOfKind(objects, 'ClientTrafficPolicy');
    expect(ctp.spec.connection.bufferLimit).toBeDefined();
    expect(ctp.spec.timeout.http.streamIdleTimeout).toBe('5m');
  });

  it('refuses a one-minute request timeout that would cut its streams', () => {
    const w = world();
    expect(() => new HttpRoute(w.ns.models, 'qwen-route', { parents: [w.listener], rules: [{ backends: [w.llm], timeouts: { request: Duration.minutes(1) } }] })).toThrow(/timeouts\.request is shorter than 10m on a route to .*qwen-kserve-workload-svc, which streams its answers/);
  });
});
