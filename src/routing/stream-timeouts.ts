import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IBackend } from '../core/backend';
import { invalid } from '../core/errors';
import { formatGatewayDuration } from './duration';

/**
 * The shortest whole-request timeout (`timeouts.request`, or
 * `timeouts.backendRequest`) a route to a streaming LLM backend may have
 * without a reason: a long answer streams for minutes, and these timeouts
 * span the whole response (Envoy's route `timeout` runs "until the upstream
 * response has been completely processed"), so a shorter one cuts answers
 * mid-stream.
 * @see https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto (RouteAction.timeout)
 */
export const MIN_STREAM_REQUEST_TIMEOUT = Duration.minutes(10);

/**
 * How long a stream may stay silent (no byte either way) before the gateway
 * ends it: what replaces a whole-request timeout on LLM routes. Envoy's own
 * default for `stream_idle_timeout` (kgateway and Istio keep it).
 * @see https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto (stream_idle_timeout)
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT = Duration.minutes(5);

/** The timeouts of a rule as {@link checkStreamTimeouts} reads them (an `HttpRouteTimeouts`). */
export interface StreamTimeouts {
  readonly request?: Duration;
  readonly backendRequest?: Duration;
  readonly shortStreamReason?: string;
}

/**
 * The rule timeouts that let LLM answers stream on a gateway of provider
 * `providerId`, replacing each implementation's implicit cut:
 *
 * - kgateway, Envoy Gateway, Istio, other Gateway API implementations:
 *   `request: 0s`, which disables the whole-request timeout (Gateway API:
 *   "the zero duration SHOULD disable the timeout"). Without it Envoy
 *   Gateway and kgateway leave Envoy's route timeout at its 15 s default
 *   (envoyproxy/gateway v1.9.0 internal/xds/translator/route.go sets
 *   `Timeout` only from a configured request timeout; kgateway at commit
 *   3b404509 pkg/krtcollections/builtin.go `convertTimeouts` likewise
 *   translates only the rule's timeouts); streams then end on
 *   the stream idle timeout ({@link DEFAULT_STREAM_IDLE_TIMEOUT}).
 * - Kong: `backendRequest: 10m`. The Kong Ingress Controller ignores
 *   `request` and turns `backendRequest` into the Kong Service's read,
 *   write and connect timeouts (Kong/kubernetes-ingress-controller v3.5.13
 *   internal/dataplane/translator/subtranslator/httproute.go
 *   `applyTimeoutToServiceFromHTTPRouteRule`); Kong's default read timeout
 *   is 60 s, which a non-streamed answer longer than a minute exceeds.
 *   Kong's read timeout is the time between two reads, so it also works as
 *   the stream idle timeout.
 *
 * @param providerId `GatewayProvider.id` of the route's gateway, if known
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts
 */
export function streamSafeTimeouts(providerId: string | undefined): { readonly request?: Duration; readonly backendRequest?: Duration } {
  return providerId === 'kong' ? { backendRequest: MIN_STREAM_REQUEST_TIMEOUT } : { request: Duration.seconds(0) };
}

/** The backends of `backends` that stream (`backendRef.streaming`). */
export function streamingBackends(backends: readonly IBackend[]): IBackend[] {
  return backends.filter((b) => b.backendRef.streaming === true);
}

/**
 * Refuses, on a rule whose backends stream (`streaming`: an LLM), a
 * `request` or `backendRequest` timeout above zero and shorter than
 * {@link MIN_STREAM_REQUEST_TIMEOUT}, unless `shortStreamReason` says why
 * (at least 10 characters). Zero disables the timeout and is accepted.
 *
 * @param field the rule's timeouts field, e.g. `rules[0].timeouts`
 * @param what the streaming backend, for the message (e.g. `InferencePool llm/qwen`)
 * @throws ModelServingError naming the timeout, its value and the fixes
 */
export function checkStreamTimeouts(scope: IConstruct | string, field: string, timeouts: StreamTimeouts | undefined, what: string | undefined): void {
  const reason = timeouts?.shortStreamReason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.trim().length < 10)) {
    invalid(scope, `${field}.shortStreamReason`, 'must say in at least 10 characters why streams may be cut', reason, "write the reason, e.g. 'batch scoring answers within a minute, never streams'");
  }
  if (what === undefined || reason !== undefined) return;
  const min = MIN_STREAM_REQUEST_TIMEOUT.toMilliseconds();
  for (const key of ['request', 'backendRequest'] as const) {
    const d = timeouts?.[key];
    if (d === undefined) continue;
    const ms = d.toMilliseconds();
    if (ms > 0 && ms < min) {
      invalid(
        scope,
        `${field}.${key}`,
        `is shorter than ${formatGatewayDuration(MIN_STREAM_REQUEST_TIMEOUT)} on a route to ${what}, which streams its answers: the timeout spans the whole response, so the gateway would cut every answer that streams longer (Envoy's route timeout; Kong's read timeout for backendRequest)`,
        formatGatewayDuration(d),
        `leave ${key} out (or Duration.seconds(0): no whole-request timeout, streams end on the gateway's stream idle timeout), use at least ${formatGatewayDuration(MIN_STREAM_REQUEST_TIMEOUT)}, or pass timeouts.shortStreamReason: '<why answers never stream longer>'`,
      );
    }
  }
}

/** A description of a streaming backend for messages: `<Kind> <namespace>/<name>`. */
export function describeStreamingBackend(b: IBackend): string {
  const r = b.backendRef;
  return `${r.kind ?? 'Service'} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}
