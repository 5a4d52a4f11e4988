import { Construct } from 'constructs';
import type { IGateway } from '../../gateway/gateway';
import { DEFAULT_STREAM_IDLE_TIMEOUT } from '../../routing/stream-timeouts';
import { ClientTrafficPolicy } from './client-traffic-policy';

/**
 * The connection buffer an Envoy Gateway gateway in front of LLMs gets
 * (`ClientTrafficPolicy.connection.bufferLimit`): Envoy Gateway's default
 * 32 KiB answers 413 to a longer prompt whenever a filter reads the whole
 * body (external authorization with the body, ext-proc, Envoy AI Gateway
 * reading `model`). 50 MiB is Envoy AI Gateway's own example value.
 *
 * The same limit caps a response a filter buffers whole: Envoy AI Gateway
 * buffers non-streamed responses to read their usage (ext-proc response body
 * mode BUFFERED, ai-gateway v1.1.0 internal/extensionserver/post_translate_modify.go),
 * so an embeddings answer larger than the limit fails with 500. An
 * embeddings response is about 12 bytes per dimension per input as JSON
 * floats (4 bytes per dimension with `encoding_format: base64`): 50 MiB holds
 * about 1 400 inputs of 3 072 dimensions. Raise it for larger batches with
 * `ClientTrafficPolicy.ofGateway(chart, gateway).raiseBufferLimit('200Mi')`.
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/api/v1alpha1/connection_types.go (BufferLimit, default 32768)
 * @see https://github.com/envoyproxy/ai-gateway/blob/v1.1.0/examples/basic/basic.yaml (ClientTrafficPolicy bufferLimit: 50Mi)
 */
export const LLM_GATEWAY_BUFFER_LIMIT = '50Mi';

/**
 * What an Envoy Gateway Gateway routing to an LLM (a streaming backend)
 * needs on its one ClientTrafficPolicy ({@link ClientTrafficPolicy.ofGateway}):
 * the buffer for long prompts ({@link LLM_GATEWAY_BUFFER_LIMIT}, only ever
 * raised) and a stream idle timeout (5 minutes, unless one is set), which
 * ends hung streams once the route's whole-request timeout is off: Envoy
 * Gateway turns a route's idle timeout off with `request: 0s` and keeps the
 * listener's (internal/xds/translator/route.go `idleTimeout` at v1.9.0).
 *
 * @param gatewayChart the platform's Namespace chart of the Gateway, if the platform defines it
 * @param note records a setup note (the platform's) when the Gateway is not the platform's to configure
 */
export function applyLlmClientTraffic(gatewayChart: Construct | undefined, gateway: IGateway, note?: (topic: string, text: string) => void): void {
  if (gatewayChart === undefined) {
    note?.(
      `LLM defaults of Gateway ${gateway.gatewayName}`,
      `Give the Gateway a ClientTrafficPolicy with connection.bufferLimit: ${LLM_GATEWAY_BUFFER_LIMIT} (Envoy Gateway's 32 KiB answers 413 to long prompts once a filter reads the body) and timeout.http.streamIdleTimeout: 5m (LLM routes turn their whole-request timeout off).`,
    );
    return;
  }
  const ctp = ClientTrafficPolicy.ofGateway(gatewayChart, gateway);
  ctp.raiseBufferLimit(LLM_GATEWAY_BUFFER_LIMIT);
  if (ctp.streamIdleTimeout === undefined) ctp.setStreamIdleTimeout(DEFAULT_STREAM_IDLE_TIMEOUT);
}
