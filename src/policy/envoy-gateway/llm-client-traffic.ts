import { Construct } from 'constructs';
import type { IGateway } from '../../gateway/gateway';
import { bytesQuantity } from '../../core/byte-size';
import { DEFAULT_STREAM_IDLE_TIMEOUT } from '../../routing/stream-timeouts';
import { ClientTrafficPolicy } from './client-traffic-policy';

/**
 * The body buffer an Envoy Gateway gateway in front of LLMs gets, at least:
 * `ClientTrafficPolicy.connection.bufferLimit` (HTTP/1.1 clients) and
 * `http2.initialStreamWindowSize` (HTTP/2 clients). Envoy Gateway's default
 * 32 KiB (64 KiB for HTTP/2) answers 413 to a longer prompt whenever a
 * filter reads the whole body (external authorization with the body,
 * ext-proc, Envoy AI Gateway reading `model`). 50 MiB is Envoy AI Gateway's
 * own example value.
 *
 * The same limit caps a response a filter buffers whole: Envoy AI Gateway's
 * router-level ext-proc has response body mode BUFFERED and switches to
 * STREAMED only for a streamed 200 (ai-gateway v1.1.0
 * internal/extensionserver/post_translate_modify.go, internal/extproc/processor_impl.go
 * `ProcessResponseHeaders`), so a non-streamed answer larger than the
 * downstream stream's buffer fails with 500 (`response_payload_too_large`).
 * That buffer is the listener's `per_connection_buffer_limit_bytes` for
 * HTTP/1.1 and the HTTP/2 stream window for HTTP/2 (Envoy sizes a stream's
 * buffers from the codec stream); the cluster's buffer limit
 * (`BackendTrafficPolicy.connection.bufferLimit`) only paces reads from the
 * backend and the ext-proc server accepts 512 MiB messages
 * (cmd/controller/main.go `extProcMaxRecvMsgSize`), so neither caps it. An
 * `OpenAiEndpoint` raises both to its largest embeddings answer
 * (`EmbeddingsResponse`).
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/api/v1alpha1/connection_types.go (BufferLimit, default 32768)
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/internal/xds/translator/listener.go (per_connection_buffer_limit_bytes, http2InitialStreamWindowSize)
 * @see https://github.com/envoyproxy/ai-gateway/blob/v1.1.0/examples/basic/basic.yaml (ClientTrafficPolicy bufferLimit: 50Mi)
 * @see https://www.envoyproxy.io/docs/envoy/v1.39.0/faq/configuration/flow_control (a buffered response over the limit: 500)
 */
export const LLM_GATEWAY_BUFFER_LIMIT = '50Mi';

/** {@link LLM_GATEWAY_BUFFER_LIMIT} in bytes. */
const LLM_GATEWAY_BUFFER_BYTES = 50 * 1024 * 1024;

/**
 * What an Envoy Gateway Gateway routing to an LLM (a streaming backend)
 * needs on its one ClientTrafficPolicy ({@link ClientTrafficPolicy.ofGateway}):
 * the body buffer for long prompts and whole answers
 * ({@link LLM_GATEWAY_BUFFER_LIMIT} or `atLeastBytes` if larger, on both
 * `connection.bufferLimit` and `http2.initialStreamWindowSize`, only ever
 * raised) and a stream idle timeout (5 minutes, unless one is set), which
 * ends hung streams once the route's whole-request timeout is off: Envoy
 * Gateway turns a route's idle timeout off with `request: 0s` and keeps the
 * listener's (internal/xds/translator/route.go `idleTimeout` at v1.9.0).
 *
 * @param gatewayChart the platform's Namespace chart of the Gateway, if the platform defines it
 * @param note records a setup note (the platform's) when the Gateway is not the platform's to configure
 * @param atLeastBytes the body buffer the caller needs, when above the default (e.g. an endpoint's largest embeddings answer)
 * @param why what needs `atLeastBytes`, for the setup note
 * @throws ModelServingError when `atLeastBytes` is above 2147483647 bytes (the HTTP/2 window's range)
 */
export function applyLlmClientTraffic(gatewayChart: Construct | undefined, gateway: IGateway, note?: (topic: string, text: string) => void, atLeastBytes?: number, why?: string): void {
  const limit = atLeastBytes !== undefined && atLeastBytes > LLM_GATEWAY_BUFFER_BYTES ? bytesQuantity(atLeastBytes) : LLM_GATEWAY_BUFFER_LIMIT;
  if (gatewayChart === undefined) {
    note?.(
      `LLM defaults of Gateway ${gateway.gatewayName}`,
      `Give the Gateway a ClientTrafficPolicy with connection.bufferLimit and http2.initialStreamWindowSize of at least ${LLM_GATEWAY_BUFFER_LIMIT} (Envoy Gateway's 32 KiB, 64 KiB for HTTP/2 clients, answers 413 to long prompts once a filter reads the body, and 500 to a non-streamed answer Envoy AI Gateway reads whole) and timeout.http.streamIdleTimeout: 5m (LLM routes turn their whole-request timeout off).`,
    );
    if (limit !== LLM_GATEWAY_BUFFER_LIMIT) {
      note?.(
        `Body buffer of Gateway ${gateway.gatewayName} for ${why ?? `${atLeastBytes} bytes`}`,
        `Raise the Gateway's ClientTrafficPolicy connection.bufferLimit and http2.initialStreamWindowSize to at least ${limit}: ${why ?? 'a body'} needs ${atLeastBytes} bytes, and Envoy answers 500 to a larger non-streamed answer.`,
      );
    }
    return;
  }
  const ctp = ClientTrafficPolicy.ofGateway(gatewayChart, gateway);
  ctp.raiseBufferLimit(limit);
  ctp.raiseHttp2InitialStreamWindowSize(limit);
  if (ctp.streamIdleTimeout === undefined) ctp.setStreamIdleTimeout(DEFAULT_STREAM_IDLE_TIMEOUT);
}
