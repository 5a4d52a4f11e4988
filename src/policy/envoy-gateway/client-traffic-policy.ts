import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as eg from '../../../imports/envoygateway-gateway.envoyproxy.io';
import { errorMessage, invalid } from '../../core/errors';
import { isHttpHeaderName } from '../../core/http-header';
import { assertDnsSubdomain, policyId } from '../../core/names';
import type { IGateway } from '../../gateway/gateway';
import { checkTargets, PolicyTarget } from './policy-target';
import { checkedRecord } from '../../core/records';
import { checkProps, childPath, optionalDuration } from '../../core/prop-types';
import { compareRational, exactQuantity } from '../../core/quantity';
import { assertGatewayDuration } from '../../routing/duration';

/** Envoy Gateway's `bufferLimit` pattern (api/v1alpha1/connection_types.go at v1.9.0): a positive whole number of bytes with an optional suffix. */
const BUFFER_LIMIT = /^[1-9]+[0-9]*([EPTGMK]i|[EPTGMk])?$/;

const MAX_HEADER_EDITS = 64;

/** Range of `http2.initialStreamWindowSize` (internal/gatewayapi/http.go at v1.9.0, after Envoy's HTTP/2 protocol options). */
const MIN_HTTP2_STREAM_WINDOW = 65535;
/** Largest `http2.initialStreamWindowSize`: 2^31 - 1. */
export const MAX_HTTP2_STREAM_WINDOW = 2147483647;

/** Props of {@link ClientTrafficPolicy}. */
export interface ClientTrafficPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs`: Gateways or listeners of the policy's namespace. */
  readonly targets: readonly PolicyTarget[];
  /**
   * `spec.headers.earlyRequestHeaders.remove`: request headers dropped as
   * soon as the request arrives, before routing and before any filter
   * (authentication, authorization, rate limiting) runs; at most 64. More
   * with {@link ClientTrafficPolicy.removeEarlyRequestHeaders}.
   * @default - none
   */
  readonly removeEarlyRequestHeaders?: readonly string[];
  /**
   * `spec.headers.earlyRequestHeaders.set`: request headers set (replacing
   * client values) before routing; at most 64.
   * @default - none
   */
  readonly setEarlyRequestHeaders?: Readonly<Record<string, string>>;
  /**
   * `spec.connection.bufferLimit`: the most a connection buffers, as a
   * Kubernetes quantity (`50Mi`). A filter that reads the whole body before
   * forwarding (external authorization with the body, ext-proc in buffered
   * mode, Envoy AI Gateway reading the body's `model`) answers 413 for a
   * larger request. More with {@link ClientTrafficPolicy.raiseBufferLimit}.
   * @default - Envoy Gateway's 32768 bytes (32 KiB), too small for long LLM prompts
   * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/api/v1alpha1/connection_types.go (ClientConnection.BufferLimit)
   */
  readonly bufferLimit?: string;
  /**
   * `spec.http2.initialStreamWindowSize`: the HTTP/2 stream flow-control
   * window, as a quantity (`50Mi`), 65535 to 2147483647 bytes. For an
   * HTTP/2 client it is also the most Envoy buffers of one request or
   * response (Envoy's connection manager sizes a stream's buffers from the
   * codec stream, whose limit is this window), so it caps what
   * `bufferLimit` caps for HTTP/1.1. More with
   * {@link ClientTrafficPolicy.raiseHttp2InitialStreamWindowSize}.
   * @default - Envoy Gateway's 65536 bytes (64 KiB)
   * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/internal/xds/translator/listener.go (http2InitialStreamWindowSize)
   * @see https://github.com/envoyproxy/ai-gateway/blob/v1.1.0/site/docs/getting-started/basic-usage.md (HTTP/2 window size settings: 413 request_payload_too_large after raising bufferLimit)
   */
  readonly http2InitialStreamWindowSize?: string;
  /**
   * `spec.timeout.http.streamIdleTimeout`: how long a stream may stay
   * silent before the listener ends it. It also stands in for the route's
   * idle timeout, which Envoy Gateway turns off on a route whose request
   * timeout is `0s` (internal/xds/translator/route.go `idleTimeout`).
   * @default - Envoy Gateway's 5 minutes, not applied to routes with `timeouts.request: 0s`
   * @see https://gateway.envoyproxy.io/docs/api/extension_types/#httpclienttimeout
   */
  readonly streamIdleTimeout?: Duration;
}

/**
 * Envoy Gateway's `ClientTrafficPolicy` (gateway.envoyproxy.io/v1alpha1):
 * early request header edits (`spec.headers.earlyRequestHeaders`) applied
 * when a request enters the Gateway, before any filter runs (dropping
 * client copies of the identity headers that authentication later sets
 * keeps them from being spoofed), the connection buffer limit
 * (`spec.connection.bufferLimit`), the HTTP/2 stream window
 * (`spec.http2.initialStreamWindowSize`, the same cap for HTTP/2 clients)
 * and the stream idle timeout
 * (`spec.timeout.http.streamIdleTimeout`) that LLM traffic needs. Other
 * settings of the kind (TLS, other timeouts and HTTP/2 settings, client IP detection) are not
 * modelled by this construct.
 *
 * {@link ClientTrafficPolicy.ofGateway} gives the one policy of a Gateway
 * that the platform's constructs share.
 *
 * Only one ClientTrafficPolicy applies to a listener: one on a listener
 * replaces one on the whole Gateway, and of two on the same target the
 * older wins (the other is reported as Conflicted).
 *
 * Header names are kept sorted and unique (the order has no meaning).
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#clienttrafficpolicy
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#headersettings
 */
export class ClientTrafficPolicy extends Construct {
  /**
   * The one ClientTrafficPolicy of `gateway` that the platform's constructs
   * share (the access-policy compile's header edits, the LLM defaults of
   * model endpoints), created in `chart` (the Gateway's Namespace) on first
   * use as `<gateway>-client-traffic`.
   */
  public static ofGateway(chart: Construct, gateway: IGateway): ClientTrafficPolicy {
    const id = `envoy-gateway-identity-headers-${gateway.gatewayName}`;
    const existing = chart.node.tryFindChild(id);
    if (existing instanceof ClientTrafficPolicy) return existing;
    return new ClientTrafficPolicy(chart, id, { name: policyId(`${gateway.gatewayName}-client-traffic`, 63), targets: [PolicyTarget.gateway(gateway)] });
  }

  /** `metadata.name`. */
  public readonly policyName: string;
  /** `spec.targetRefs`. */
  public readonly targets: readonly PolicyTarget[];
  /** The L1 object. */
  public readonly resource: eg.ClientTrafficPolicy;
  private readonly removed = new Set<string>();
  private readonly set = new Map<string, string>();
  private buffer?: string;
  private http2Window?: string;
  private streamIdle?: Duration;

  public constructor(scope: Construct, id: string, props: ClientTrafficPolicyProps) {
    checkProps(childPath(scope, id), props, 'ClientTrafficPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const targetRefs = checkTargets(this, Chart.of(this).namespace, props.targets, ['Gateway']);
    this.targets = [...props.targets];
    this.resource = new eg.ClientTrafficPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: Lazy.any({
        produce: (): eg.ClientTrafficPolicySpec => ({
          targetRefs,
          headers:
            this.removed.size + this.set.size > 0
              ? {
                  earlyRequestHeaders: {
                    remove: this.removed.size > 0 ? [...this.removed].sort() : undefined,
                    set: this.set.size > 0 ? [...this.set.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value })) : undefined,
                  },
                }
              : undefined,
          connection: this.buffer !== undefined ? { bufferLimit: eg.ClientTrafficPolicySpecConnectionBufferLimit.fromString(this.buffer) } : undefined,
          http2: this.http2Window !== undefined ? { initialStreamWindowSize: eg.ClientTrafficPolicySpecHttp2InitialStreamWindowSize.fromString(this.http2Window) } : undefined,
          timeout: this.streamIdle !== undefined ? { http: { streamIdleTimeout: assertGatewayDuration(this, 'streamIdleTimeout', this.streamIdle) } } : undefined,
        }),
      }) as unknown as eg.ClientTrafficPolicySpec,
    });
    this.removeEarlyRequestHeaders(...(props.removeEarlyRequestHeaders ?? []));
    for (const [name, value] of Object.entries(checkedRecord(this, 'setEarlyRequestHeaders', props.setEarlyRequestHeaders) ?? {})) this.setEarlyRequestHeader(name, value);
    if (props.bufferLimit !== undefined) this.raiseBufferLimit(props.bufferLimit);
    if (props.http2InitialStreamWindowSize !== undefined) this.raiseHttp2InitialStreamWindowSize(props.http2InitialStreamWindowSize);
    optionalDuration(this, 'streamIdleTimeout', props.streamIdleTimeout, 'Duration.minutes(5)');
    if (props.streamIdleTimeout !== undefined) this.setStreamIdleTimeout(props.streamIdleTimeout);
    this.node.addValidation({
      validate: () =>
        this.removed.size + this.set.size === 0 && this.buffer === undefined && this.http2Window === undefined && this.streamIdle === undefined
          ? [errorMessage(this, 'spec', 'sets nothing', {}, 'remove or set a header, set bufferLimit, http2InitialStreamWindowSize or streamIdleTimeout, or remove the policy.')]
          : [],
    });
  }

  /** `spec.connection.bufferLimit`, when set. */
  public get bufferLimit(): string | undefined {
    return this.buffer;
  }

  /** `spec.http2.initialStreamWindowSize`, when set. */
  public get http2InitialStreamWindowSize(): string | undefined {
    return this.http2Window;
  }

  /** `spec.timeout.http.streamIdleTimeout`, when set. */
  public get streamIdleTimeout(): Duration | undefined {
    return this.streamIdle;
  }

  /**
   * Raises `spec.connection.bufferLimit` to at least `limit` (a quantity
   * such as `50Mi`): a larger limit already set is kept, so constructs that
   * each need a minimum can all ask.
   *
   * @throws ModelServingError for a value that is not a positive whole quantity of bytes (`50Mi`, `1Gi`, `65536`)
   */
  public raiseBufferLimit(limit: string): void {
    const q = typeof limit === 'string' && BUFFER_LIMIT.test(limit) ? exactQuantity(limit) : undefined;
    if (q === undefined) invalid(this, 'bufferLimit', 'must be a positive whole number of bytes with an optional suffix (Ki, Mi, Gi, k, M, G, ...)', limit, "use e.g. '50Mi'");
    if (this.buffer === undefined || compareRational(q, exactQuantity(this.buffer)!) > 0) this.buffer = limit;
  }

  /**
   * Raises `spec.http2.initialStreamWindowSize` to at least `size` (a
   * quantity such as `50Mi`); a larger window already set is kept.
   *
   * @throws ModelServingError for a value that is not a whole quantity of bytes between 65535 and 2147483647
   */
  public raiseHttp2InitialStreamWindowSize(size: string): void {
    const q = typeof size === 'string' && BUFFER_LIMIT.test(size) ? exactQuantity(size) : undefined;
    if (q === undefined || compareRational(q, exactQuantity(String(MIN_HTTP2_STREAM_WINDOW))!) < 0 || compareRational(q, exactQuantity(String(MAX_HTTP2_STREAM_WINDOW))!) > 0) {
      invalid(this, 'http2InitialStreamWindowSize', `must be a whole number of bytes between ${MIN_HTTP2_STREAM_WINDOW} and ${MAX_HTTP2_STREAM_WINDOW} (Envoy's HTTP/2 window range), with an optional suffix`, size, "use e.g. '50Mi'");
    }
    if (this.http2Window === undefined || compareRational(q, exactQuantity(this.http2Window)!) > 0) this.http2Window = size;
  }

  /**
   * Sets `spec.timeout.http.streamIdleTimeout`.
   *
   * @throws ModelServingError for a zero duration or one that is not a Gateway API duration, or a different value already set
   */
  public setStreamIdleTimeout(timeout: Duration): void {
    assertGatewayDuration(this, 'streamIdleTimeout', timeout);
    if (timeout.toMilliseconds() === 0) invalid(this, 'streamIdleTimeout', 'must be longer than 0: a zero stream idle timeout keeps hung streams open forever', '0s', 'use e.g. Duration.minutes(5)');
    if (this.streamIdle !== undefined && this.streamIdle.toMilliseconds() !== timeout.toMilliseconds()) {
      invalid(this, 'streamIdleTimeout', `is already ${this.streamIdle.toHumanString()}: the Gateway has one stream idle timeout`, timeout.toHumanString(), 'give every model endpoint of the Gateway the same stream idle timeout');
    }
    this.streamIdle = timeout;
  }

  /** The headers removed early, sorted. */
  public get removedHeaders(): readonly string[] {
    return [...this.removed].sort();
  }

  /**
   * Drops request headers on arrival (`earlyRequestHeaders.remove`). Names
   * are compared case-insensitively and stored lower-case; adding a name
   * twice is harmless.
   *
   * @throws ModelServingError for a name that is not an HTTP header name, a
   *   header also set, or more than 64 names
   */
  public removeEarlyRequestHeaders(...names: string[]): void {
    for (const raw of names) {
      const name = this.checkName('removeEarlyRequestHeaders', raw);
      if (this.set.has(name)) invalid(this, 'removeEarlyRequestHeaders', 'names a header that is also set', raw, 'either remove or set the header');
      if (!this.removed.has(name) && this.removed.size >= MAX_HEADER_EDITS) invalid(this, 'removeEarlyRequestHeaders', `can hold at most ${MAX_HEADER_EDITS} names`, this.removed.size + 1, 'remove fewer headers');
      this.removed.add(name);
    }
  }

  /**
   * Sets a request header on arrival (`earlyRequestHeaders.set`), replacing
   * any client value.
   *
   * @throws ModelServingError for a bad name, an empty or over-long value, a
   *   header set twice or also removed, or more than 64 headers
   */
  public setEarlyRequestHeader(name: string, value: string): void {
    const n = this.checkName('setEarlyRequestHeaders', name);
    if (this.set.has(n)) invalid(this, `setEarlyRequestHeaders.${name}`, 'is set twice', value, 'set each header once');
    if (this.removed.has(n)) invalid(this, `setEarlyRequestHeaders.${name}`, 'names a header that is also removed', value, 'either remove or set the header');
    if (value.length < 1 || value.length > 4096 || !/^[!-~]+([\t ]?[!-~]+)*$/.test(value)) invalid(this, `setEarlyRequestHeaders.${name}`, 'must be 1 to 4096 printable ASCII characters', value, 'use a plain ASCII value');
    if (this.set.size >= MAX_HEADER_EDITS) invalid(this, 'setEarlyRequestHeaders', `can hold at most ${MAX_HEADER_EDITS} headers`, this.set.size + 1, 'set fewer headers');
    this.set.set(n, value);
  }

  private checkName(field: string, name: string): string {
    if (!isHttpHeaderName(name) || name.length > 256) invalid(this, field, 'must contain HTTP header names of at most 256 characters', name, 'use e.g. x-user-id');
    return name.toLowerCase();
  }
}
