import { KubeObject } from './manifest';

/** How much of one body a gateway buffers where it reads a body whole, as an object states it. */
export interface BodyLimitEntry {
  /** `<Kind> <namespace>/<name>` of the object that states it. */
  readonly object: string;
  /** What it applies to: `Gateway <name>`, ... */
  readonly targets: string;
  /** The limits, each `<field> <quantity>` (an unset Envoy Gateway limit shows its default). */
  readonly limits: string;
  /** What a larger request and a larger answer get. */
  readonly beyond: string;
}

type Obj = KubeObject & { spec?: any };

const targetsOf = (o: Obj): string =>
  ((o.spec?.targetRefs ?? []) as Array<{ kind: string; name: string; sectionName?: string }>).map((t) => `${t.kind} ${t.name}${t.sectionName ? `/${t.sectionName}` : ''}`).join(', ');

/**
 * The body buffers the objects set on their gateways: Envoy Gateway's
 * `ClientTrafficPolicy` `connection.bufferLimit` (HTTP/1.1 clients, default
 * 32 KiB) and `http2.initialStreamWindowSize` (HTTP/2 clients, default
 * 64 KiB), which bound the downstream stream's buffer in Envoy: a request a
 * filter reads whole past it gets 413, an answer a filter reads whole (Envoy
 * AI Gateway's non-streamed answers, embeddings included) 500; and
 * agentgateway's `AgentgatewayPolicy` `frontend.http.maxBufferSize`
 * (default 2 MiB): a larger request or answer of an AI backend gets 503
 * (`AIError::RequestTooLarge`, `ResponseTooLarge`).
 *
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/internal/xds/translator/listener.go (tcpListenerPerConnectionBufferLimitBytes, http2InitialStreamWindowSize)
 * @see https://www.envoyproxy.io/docs/envoy/v1.39.0/faq/configuration/flow_control (413 for requests, 500 for buffered responses)
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/proxy/mod.rs (ProxyError::Processing is 503)
 */
export function bodyLimits(objects: readonly KubeObject[]): BodyLimitEntry[] {
  const out: BodyLimitEntry[] = [];
  for (const o of objects as readonly Obj[]) {
    const group = o.apiVersion.split('/')[0];
    const object = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (group === 'gateway.envoyproxy.io' && o.kind === 'ClientTrafficPolicy') {
      const buffer = o.spec?.connection?.bufferLimit;
      const window = o.spec?.http2?.initialStreamWindowSize;
      if (buffer === undefined && window === undefined) continue;
      out.push({
        object,
        targets: targetsOf(o),
        limits: `connection.bufferLimit ${buffer ?? '32Ki (default)'} (HTTP/1.1), http2.initialStreamWindowSize ${window ?? '64Ki (default)'} (HTTP/2)`,
        beyond: 'a request a filter reads whole: 413; an answer Envoy AI Gateway reads whole (non-streamed, embeddings): 500',
      });
    } else if (group === 'agentgateway.dev' && o.kind === 'AgentgatewayPolicy' && o.spec?.frontend?.http?.maxBufferSize !== undefined) {
      out.push({
        object,
        targets: targetsOf(o),
        limits: `frontend.http.maxBufferSize ${o.spec.frontend.http.maxBufferSize}`,
        beyond: 'a request an AI backend reads whole: 503; an AI backend answer (non-streamed, embeddings): 503',
      });
    }
  }
  return out.sort((a, b) => a.object.localeCompare(b.object));
}
