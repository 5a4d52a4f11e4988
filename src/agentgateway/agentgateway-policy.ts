import { Chart, Duration, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as agw from '../../imports/agentgateway-agentgateway.dev';
import { IBackend } from '../core/backend';
import { requireCredentialSecret } from '../core/credential-secret';
import { invalid } from '../core/errors';
import { isHttpHeaderName } from '../core/http-header';
import { assertDnsSubdomain, isDnsSubdomain } from '../core/names';
import { IPolicyTarget, requirePolicyTarget } from '../core/policy-target';
import { checkProps, childPath, hasProperty, isPlainObject, optionalStringMap, requireArray } from '../core/prop-types';
import { assertInteger, assertKnownKeys, assertOneOf, INT32_MAX, keysOf } from '../core/props';
import { ISecretReference } from '../core/secret-ref';
import { sortRecord } from '../core/sort-keys';
import { assertGatewayDuration } from '../routing/duration';
import { backendRefOf as backendObjectRef } from '../policy/kgateway/gateway-extension';
import { bytesQuantity, sizeInBytes } from '../core/byte-size';

/** The kinds an `AgentgatewayPolicy` attaches to (`spec.targetRefs[].kind`), with their API group. */
const TARGET_GROUPS: Readonly<Record<string, string>> = {
  Gateway: 'gateway.networking.k8s.io',
  HTTPRoute: 'gateway.networking.k8s.io',
  GRPCRoute: 'gateway.networking.k8s.io',
  ListenerSet: 'gateway.networking.k8s.io',
  InferencePool: 'inference.networking.k8s.io',
  AgentgatewayBackend: 'agentgateway.dev',
};

/** Kinds a `traffic` section may target (the CRD's rule "the 'traffic' field can only target ..."). */
const TRAFFIC_KINDS = ['Gateway', 'HTTPRoute', 'GRPCRoute', 'ListenerSet', 'InferencePool'];

/**
 * Where a credential is read from (`location`): exactly one of a header
 * (with an optional prefix such as `Bearer `), a query parameter, or a CEL
 * expression over the request.
 */
export interface AgentgatewayCredentialLocation {
  /** `header.name`, e.g. `x-api-key`. @default - none */
  readonly header?: string;
  /** `header.prefix`, stripped before the value is read, e.g. `Bearer `. @default - none */
  readonly prefix?: string;
  /** `queryParameter.name`. @default - none */
  readonly queryParameter?: string;
  /** `expression`: a CEL expression yielding the credential, e.g. `request.headers["x-jwt-token"]`. @default - none */
  readonly expression?: string;
}

/** Validation mode of JWT and API-key authentication (`mode`). */
export enum AgentgatewayAuthenticationMode {
  /** A valid credential must be present; otherwise 401. */
  STRICT = 'Strict',
  /** A credential, when present, must be valid; requests without one pass. */
  OPTIONAL = 'Optional',
  /** Never refuses: the credential only feeds later steps (authorization, logs). */
  PERMISSIVE = 'Permissive',
}

/** `jwks`: exactly one of `inline` (a JWKS document) and `remote`. */
export interface AgentgatewayJwks {
  /** `inline`: the JWKS JSON. @default - none */
  readonly inline?: string;
  /**
   * `remote`: fetched from `jwksPath` on `backend` (a Service, or an
   * AgentgatewayBackend of the identity provider; TLS to it comes from a
   * backend policy on it).
   * @default - none
   */
  readonly remote?: { readonly backend: IBackend; readonly jwksPath: string; readonly cacheDuration?: Duration };
}

/** One JWT issuer (`providers[]`). */
export interface AgentgatewayJwtProvider {
  /** `issuer`: the `iss` claim the token must carry. */
  readonly issuer: string;
  /** `audiences`: one of them must be in the `aud` claim. @default - not checked */
  readonly audiences?: readonly string[];
  /** `jwks`: the keys that verify the signature. */
  readonly jwks: AgentgatewayJwks;
}

/** `traffic.jwtAuthentication`. The verified claims are `jwt.<claim>` in CEL (e.g. `jwt.sub`). */
export interface AgentgatewayJwtAuthentication {
  /** `mode`. @default AgentgatewayAuthenticationMode.STRICT */
  readonly mode?: AgentgatewayAuthenticationMode;
  /** `providers` (1 to 64). */
  readonly providers: readonly AgentgatewayJwtProvider[];
  /** `location`. @default - `Authorization: Bearer <token>` */
  readonly location?: AgentgatewayCredentialLocation;
}

/**
 * `traffic.apiKeyAuthentication`: exactly one of `secret` and
 * `secretSelector`. Each data entry of the Secrets is one key: a plain key,
 * or JSON `{"key": "...", "metadata": {...}}` whose metadata is
 * `apiKey.<field>` in CEL. Keys are always referenced, never given here.
 */
export interface AgentgatewayApiKeyAuthentication {
  /** `mode`. @default AgentgatewayAuthenticationMode.STRICT */
  readonly mode?: AgentgatewayAuthenticationMode;
  /** `secretRef`: one Secret of the policy's namespace holding the keys. @default - none */
  readonly secret?: ISecretReference;
  /** `secretSelector.matchLabels`: every Secret of the policy's namespace with these labels. @default - none */
  readonly secretSelector?: Record<string, string>;
  /** `location`. @default - `Authorization: Bearer <key>` */
  readonly location?: AgentgatewayCredentialLocation;
}

/** What an authorization rule does when its expressions match (`action`). */
export enum AgentgatewayAuthorizationAction {
  /** Any matching allow expression allows; with allow expressions, requests matching none get 403. */
  ALLOW = 'Allow',
  /** Every require expression must match. */
  REQUIRE = 'Require',
  /** A matching expression denies (an expression that fails to evaluate does not deny: prefer ALLOW). */
  DENY = 'Deny',
}

/**
 * `traffic.authorization`: CEL expressions over the request (`request.path`,
 * `request.method`, `jwt.<claim>`, `apiKey.<metadata>`, `source.address`).
 * The controller turns each expression into its own rule of the action, so
 * ALLOW expressions are alternatives (any one allows).
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/pkg/agentgateway/plugins/traffic_plugin.go (TranslateAuthorization)
 */
export interface AgentgatewayAuthorization {
  /** `action`. @default AgentgatewayAuthorizationAction.ALLOW */
  readonly action?: AgentgatewayAuthorizationAction;
  /** `policy.matchExpressions` (1 to 256). */
  readonly matchExpressions: readonly string[];
}

/** What happens when a service the gateway calls (rate limit, external authorization) fails (`failureMode`). */
export enum AgentgatewayFailureMode {
  /** The request is refused (500 for rate limits, 403 for external authorization). */
  FAIL_CLOSED = 'FailClosed',
  /** The request continues. */
  FAIL_OPEN = 'FailOpen',
}

/** `traffic.extAuth`: an external authorization service (Envoy `ext_authz`), called after authentication. */
export interface AgentgatewayExtAuth {
  /** `backendRef`: the authorization service. */
  readonly backend: IBackend;
  /** `grpc: {}` or `http: {}`: the protocol it speaks. */
  readonly protocol: 'grpc' | 'http';
  /** `failureMode`. @default AgentgatewayFailureMode.FAIL_CLOSED */
  readonly failureMode?: AgentgatewayFailureMode;
}

/** The window of a local limit (`unit`): agentgateway has no day window locally. */
export enum AgentgatewayLocalRateLimitUnit {
  SECONDS = 'Seconds',
  MINUTES = 'Minutes',
  HOURS = 'Hours',
}

/**
 * One local limit (`rateLimit.local[]`): a token bucket per policy target
 * and proxy replica, shared by every caller; exactly one of `requests` and
 * `tokens` (LLM tokens, input plus output, known once a response completes).
 *
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/http/localratelimit.rs
 */
export interface AgentgatewayLocalRateLimit {
  /** `requests` per unit. @default - none */
  readonly requests?: number;
  /** `tokens` per unit. @default - none */
  readonly tokens?: number;
  /** `unit`. */
  readonly unit: AgentgatewayLocalRateLimitUnit;
  /** `burst`: allowance above the rate within a short period. @default - none */
  readonly burst?: number;
}

/** What a global descriptor counts (`unit`). */
export enum AgentgatewayRateLimitUnit {
  /** One per request (or `cost`), counted before the request is sent. */
  REQUESTS = 'Requests',
  /** LLM tokens (`llm.totalTokens`, or `cost`), counted after the response. */
  TOKENS = 'Tokens',
}

/** One descriptor sent to the rate limit service (`global.descriptors[]`). */
export interface AgentgatewayRateLimitDescriptor {
  /** `entries`: name and CEL value of each part, in the order the service's configuration nests them (1 to 16). */
  readonly entries: ReadonlyArray<{ readonly name: string; readonly expression: string }>;
  /** `unit`. @default AgentgatewayRateLimitUnit.REQUESTS */
  readonly unit?: AgentgatewayRateLimitUnit;
  /** `cost`: CEL giving the hits added, e.g. `llm.inputTokens`. @default - 1 request, or `llm.totalTokens` */
  readonly cost?: string;
}

/**
 * `rateLimit.global`: descriptors sent to a rate limit service speaking
 * Envoy's `RateLimitService` gRPC API (e.g. `RateLimitService` of
 * `cdk8s-model-serving/kgateway`, counting in Redis).
 */
export interface AgentgatewayGlobalRateLimit {
  /** `backendRef`: the rate limit service. */
  readonly backend: IBackend;
  /** `domain` of the service's configuration. */
  readonly domain: string;
  /** `descriptors` (1 to 16). */
  readonly descriptors: readonly AgentgatewayRateLimitDescriptor[];
  /** `failureMode`. @default AgentgatewayFailureMode.FAIL_CLOSED */
  readonly failureMode?: AgentgatewayFailureMode;
}

/** Local and/or global limits. */
export interface AgentgatewayRateLimits {
  /** `local` (1 to 16). @default - none */
  readonly local?: readonly AgentgatewayLocalRateLimit[];
  /** `global`. @default - none */
  readonly global?: AgentgatewayGlobalRateLimit;
}

/** `traffic.rateLimit`: limits, or conditional limits (the first whose `condition` matches applies). */
export interface AgentgatewayRateLimit extends AgentgatewayRateLimits {
  /** `conditional`: limits under a CEL condition; one entry without a condition may come last as the fallback. @default - none */
  readonly conditional?: ReadonlyArray<{ readonly condition?: string; readonly policy: AgentgatewayRateLimits }>;
}

/** When a traffic policy runs (`traffic.phase`). */
export enum AgentgatewayPolicyPhase {
  /** Before the route is selected (Gateway or ListenerSet targets only): e.g. a header that routes match on. */
  PRE_ROUTING = 'PreRouting',
  /** After the route is selected (the default). */
  POST_ROUTING = 'PostRouting',
}

/** `traffic.directResponse`: the gateway answers itself (after authentication, authorization and rate limits). */
export interface AgentgatewayDirectResponse {
  /** `status`: 200 to 599. */
  readonly status: number;
  /** `body`. @default - empty */
  readonly body?: string;
  /** `headers`: response header name to a CEL expression (a string literal is quoted CEL: `'"application/json"'`). @default - none */
  readonly headers?: Record<string, string>;
}

/** `spec.traffic`: how requests are processed on the targets. */
export interface AgentgatewayTraffic {
  /** `phase`. @default AgentgatewayPolicyPhase.POST_ROUTING */
  readonly phase?: AgentgatewayPolicyPhase;
  /** `directResponse`. @default - none */
  readonly directResponse?: AgentgatewayDirectResponse;
  /** `jwtAuthentication`. @default - none */
  readonly jwtAuthentication?: AgentgatewayJwtAuthentication;
  /** `apiKeyAuthentication`. @default - none */
  readonly apiKeyAuthentication?: AgentgatewayApiKeyAuthentication;
  /** `extAuth`. @default - none */
  readonly extAuth?: AgentgatewayExtAuth;
  /** `authorization`. @default - none */
  readonly authorization?: AgentgatewayAuthorization;
  /** `rateLimit`. @default - none */
  readonly rateLimit?: AgentgatewayRateLimit;
  /**
   * `transformation.request`: headers set on the request to the backend
   * (`set`: header name to a CEL expression, e.g. `{ 'x-user-id': 'jwt.sub' }`;
   * a string literal is quoted CEL: `'"v"'`) and headers removed. Runs
   * after authentication, authorization and rate limits.
   * @default - none
   */
  readonly requestHeaders?: { readonly set?: Record<string, string>; readonly remove?: readonly string[] };
}

/** `backend.auth`: the credential the gateway sends to the backend, read from a Secret (never given inline). */
export interface AgentgatewayBackendAuth {
  /** `secretRef.name`: a Secret of the policy's namespace. */
  readonly secret: ISecretReference;
  /** `secretRef.key`. @default 'Authorization' */
  readonly key?: string;
}

/** `spec.backend`: how the gateway connects to the targets' backends. */
export interface AgentgatewayBackendSettings {
  /** `ai.modelAliases`: model names clients may send, mapped to the provider's model name. @default - none */
  readonly modelAliases?: Record<string, string>;
  /** `auth`. @default - none */
  readonly auth?: AgentgatewayBackendAuth;
}

/**
 * Largest `frontend.http.maxBufferSize` (the CRD: "value must be at least 1
 * byte and fit within uint32").
 */
export const AGENTGATEWAY_MAX_BUFFER_SIZE_LIMIT = 4294967295;

/** A key-value pair added to each log line or span: its `name` and a CEL `expression` (e.g. `request.headers["x-user-id"]`). */
export interface AgentgatewayAttribute {
  /** `name` (1 to 256 characters). */
  readonly name: string;
  /** `expression`: CEL over the request, response, `jwt`, `apiKey`, `llm`; a pair whose expression fails is left out. */
  readonly expression: string;
}

/** `attributes`: pairs added to, and default fields removed from, each log line or span (at least one of both). */
export interface AgentgatewayAttributes {
  /** `add`. @default - none */
  readonly add?: readonly AgentgatewayAttribute[];
  /** `remove`: default fields left out, e.g. `http.path` (1 to 32). @default - none */
  readonly remove?: readonly string[];
}

/** The OTLP variant a collector speaks (`protocol`). */
export enum AgentgatewayOtlpProtocol {
  /** OTLP/gRPC (the CRD's default). */
  GRPC = 'GRPC',
  /** OTLP/HTTP, on `path`. */
  HTTP = 'HTTP',
}

/** `frontend.accessLog.otlp`: the log lines exported to an OpenTelemetry collector too. */
export interface AgentgatewayOtlpAccessLog {
  /** `backendRef`: the collector (a Service with its port, or an AgentgatewayBackend). */
  readonly backend: IBackend;
  /** `protocol`. @default AgentgatewayOtlpProtocol.GRPC */
  readonly protocol?: AgentgatewayOtlpProtocol;
  /** `path` (HTTP only). @default '/v1/logs' */
  readonly path?: string;
}

/**
 * `frontend.accessLog`: what the proxies write for each request (to their
 * stdout always; to an OTLP collector with `otlp`).
 */
export interface AgentgatewayFrontendAccessLog {
  /** `filter`: CEL; a line is written only when it yields true. @default - every request */
  readonly filter?: string;
  /** `attributes`. @default - agentgateway's default fields */
  readonly attributes?: AgentgatewayAttributes;
  /** `otlp`. @default - stdout only */
  readonly otlp?: AgentgatewayOtlpAccessLog;
}

/** `frontend.tracing`: OpenTelemetry spans of each request, sent to a collector. */
export interface AgentgatewayFrontendTracing {
  /** `backendRef`: the collector (a Service with its port, or an AgentgatewayBackend). */
  readonly backend: IBackend;
  /** `protocol`. @default AgentgatewayOtlpProtocol.GRPC */
  readonly protocol?: AgentgatewayOtlpProtocol;
  /** `path` (HTTP only). @default '/v1/traces' */
  readonly path?: string;
  /** `randomSampling`: CEL yielding a fraction 0.0-1.0 (or a boolean) of requests without a trace that start one. @default - none (no random sampling) */
  readonly randomSampling?: string;
  /** `clientSampling`: CEL yielding the fraction of requests that arrive with a trace that are traced. @default - all of them */
  readonly clientSampling?: string;
  /** `filter`: CEL; a sampled span is exported only when it yields true. @default - every sampled span */
  readonly filter?: string;
  /** `attributes` of each span. @default - agentgateway's default fields */
  readonly attributes?: AgentgatewayAttributes;
  /** `resources`: attributes of the resource (e.g. `service.name`). @default - `service.name` is the Gateway's name, `service.namespace` its namespace */
  readonly resources?: readonly AgentgatewayAttribute[];
}

/** `spec.frontend`: settings of the proxies' listeners; a policy with `frontend` targets Gateways only. */
export interface AgentgatewayFrontend {
  /** `accessLog`. @default - none */
  readonly accessLog?: AgentgatewayFrontendAccessLog;
  /** `tracing`. @default - none */
  readonly tracing?: AgentgatewayFrontendTracing;
  /**
   * `http.maxBufferSize`: the most of a request or response body the proxy
   * holds in memory where it reads one whole: the body's `model` read by a
   * CEL expression, and an AI backend's request and non-streamed answer
   * (chat completions, embeddings), which it parses for the usage. A larger
   * request fails; a larger answer fails with 503 ("response was too
   * large"). At most 4294967295 bytes. More with
   * {@link AgentgatewayPolicy.raiseMaxBufferSize}.
   * @default - agentgateway's 2 MiB (2097152 bytes)
   * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/controller/api/v1alpha1/agentgateway/agentgateway_policy_types.go (FrontendHTTP.MaxBufferSize)
   * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/llm/mod.rs (buffer_response: LimitExceeded is ResponseTooLarge)
   */
  readonly maxBufferSize?: Size;
}

/** Props of {@link AgentgatewayPolicy}. */
export interface AgentgatewayPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /**
   * `targetRefs` (1 to 16, all of one kind, all in the policy's namespace):
   * Gateways (or a listener of one), HTTPRoutes, GRPCRoutes, InferencePools
   * or AgentgatewayBackends. More specific targets win field by field
   * (Gateway < listener < route < route rule).
   */
  readonly targets: readonly IPolicyTarget[];
  /** `traffic`. @default - none */
  readonly traffic?: AgentgatewayTraffic;
  /** `backend`. @default - none */
  readonly backend?: AgentgatewayBackendSettings;
  /** `frontend` (access log, tracing, body buffer); the targets must then be whole Gateways. @default - none */
  readonly frontend?: AgentgatewayFrontend;
}

/**
 * An agentgateway `AgentgatewayPolicy` (`agentgateway.dev/v1alpha1`), for
 * the traffic and backend settings the library uses: authentication (JWT,
 * API keys from Secrets by reference), CEL authorization, external
 * authorization, local and global rate limits (requests and LLM tokens),
 * model aliases and backend credentials from Secrets.
 *
 * Request processing order in the proxy: JWT, API key, external
 * authorization, authorization, local rate limit, global rate limit
 * (`crates/agentgateway/src/proxy/httpproxy.rs`).
 *
 * @see https://agentgateway.dev/docs/kubernetes/latest/reference/api/
 */
export class AgentgatewayPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** The rendered targets (`Kind/name[/section]`). */
  public readonly targetKeys: readonly string[];
  /** The L1 object. */
  public readonly resource: agw.AgentgatewayPolicy;
  private readonly wholeGateways: boolean;
  private maxBuffer?: number;

  /**
   * @throws ModelServingError for a bad name; no target, more than 16, two kinds, a kind agentgateway does not attach
   *   to, a target of another namespace; no `traffic`, `backend` nor `frontend`; a `frontend` on targets that are not
   *   whole Gateways, or a `maxBufferSize` above 4294967295 bytes; an authentication without exactly one key source;
   *   a location without exactly one place; a local limit without exactly one of requests and tokens; a rate limit
   *   outside 1..2147483647; empty descriptors or expressions; an unknown key
   */
  public constructor(scope: Construct, id: string, props: AgentgatewayPolicyProps) {
    checkProps(childPath(scope, id), props, 'AgentgatewayPolicyProps');
    super(scope, id);
    assertKnownKeys(this, '', props, keysOf<AgentgatewayPolicyProps>({ name: true, targets: true, traffic: true, backend: true, frontend: true }));
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    const ns = Chart.of(this).namespace;
    const targets = renderTargets(this, ns, props.targets);
    this.targetKeys = targets.map((t) => `${t.kind}/${t.name}${t.sectionName ? `/${t.sectionName}` : ''}`);
    if (!props.traffic && !props.backend && !props.frontend) invalid(this, 'traffic', 'backend and frontend are all missing (the CRD needs one of traffic, frontend, backend)', undefined, 'set traffic (authentication, authorization, rate limits), backend or frontend (access log, tracing)');
    if (props.frontend && targets[0].kind !== 'Gateway') {
      invalid(this, 'targets', `are ${targets[0].kind}s, but a policy with frontend settings targets only Gateways (the CRD's rule)`, this.targetKeys, 'target the Gateway, or split the frontend settings into their own policy');
    }
    if (props.traffic?.phase === AgentgatewayPolicyPhase.PRE_ROUTING && !['Gateway', 'ListenerSet'].includes(targets[0].kind)) {
      invalid(this, 'traffic.phase', `is PreRouting, which runs before a route is chosen, so it targets only a Gateway or ListenerSet, not ${targets[0].kind}s`, this.targetKeys, 'target the Gateway, or drop the phase');
    }
    if (props.traffic && !TRAFFIC_KINDS.includes(targets[0].kind)) {
      invalid(this, 'targets', `are ${targets[0].kind}s, but a traffic policy attaches only to ${TRAFFIC_KINDS.join(', ')}`, this.targetKeys, 'target the route or Gateway in front of the backend');
    }
    // agentgateway_policy_types.go: "the 'frontend' field can only target a Gateway", and frontend http policies "may only
    // target a Gateway or port, not a listener (sectionName)".
    this.wholeGateways = targets[0].kind === 'Gateway' && targets.every((t) => t.sectionName === undefined);
    const frontend = props.frontend === undefined ? undefined : renderFrontend(this, props.frontend);
    if (props.frontend?.maxBufferSize !== undefined) this.raiseMaxBufferSize(props.frontend.maxBufferSize);
    this.resource = new agw.AgentgatewayPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: {
        targetRefs: targets,
        traffic: props.traffic ? renderTraffic(this, props.traffic) : undefined,
        backend: props.backend ? renderBackend(this, props.backend) : undefined,
        frontend: Lazy.any({
          produce: () => {
            const http = this.maxBuffer === undefined ? undefined : { maxBufferSize: agw.AgentgatewayPolicySpecFrontendHttpMaxBufferSize.fromString(bytesQuantity(this.maxBuffer)) };
            return frontend === undefined && http === undefined ? undefined : { ...frontend, http };
          },
        }) as unknown as agw.AgentgatewayPolicySpecFrontend,
      },
    });
  }

  /** `frontend.http.maxBufferSize` in bytes, when set. */
  public get maxBufferSize(): number | undefined {
    return this.maxBuffer;
  }

  /**
   * Raises `frontend.http.maxBufferSize` to at least `size`: a larger value
   * already set is kept, so the endpoints of a Gateway can each ask for what
   * they need.
   * @throws ModelServingError on a policy that does not target whole Gateways, or for a size that is not 1 KiB to 4294967295 bytes
   */
  public raiseMaxBufferSize(size: Size): void {
    if (!this.wholeGateways) invalid(this, 'frontend', 'applies to whole Gateways only (not a listener, route or backend)', this.targetKeys, 'set it on a policy that targets the Gateway itself');
    const bytes = sizeInBytes(this, 'frontend.maxBufferSize', size);
    if (bytes > AGENTGATEWAY_MAX_BUFFER_SIZE_LIMIT) {
      invalid(this, 'frontend.maxBufferSize', `is above the ${AGENTGATEWAY_MAX_BUFFER_SIZE_LIMIT} bytes agentgateway accepts (uint32)`, size.asString(), 'lower it: a body that large cannot be buffered by agentgateway; stream it or split the batch');
    }
    if (this.maxBuffer === undefined || bytes > this.maxBuffer) this.maxBuffer = bytes;
  }
}

function renderTargets(scope: Construct, namespace: string | undefined, targets: readonly IPolicyTarget[]): agw.AgentgatewayPolicySpecTargetRefs[] {
  requireArray(scope, 'targets', targets, (v): v is IPolicyTarget => hasProperty(v, 'policyTargetRef'), 'an IPolicyTarget', 'pass targets: [gateway] or [route] or [pool]');
  if (targets.length === 0 || targets.length > 16) invalid(scope, 'targets', 'must list 1 to 16 targets', targets.length, 'list the Gateway, routes or InferencePools the policy applies to');
  const seen = new Set<string>();
  const out = targets.map((t, i) => {
    const ref = requirePolicyTarget(scope.node.path, `targets[${i}]`, t);
    const group = TARGET_GROUPS[ref.kind];
    if (group === undefined || group !== ref.group) {
      invalid(scope, `targets[${i}].kind`, `must be one of ${Object.keys(TARGET_GROUPS).join(', ')} (AgentgatewayPolicy targetRefs)`, `${ref.group}/${ref.kind}`, 'attach the policy to a Gateway, a route or an InferencePool');
    }
    if (ref.namespace !== undefined && namespace !== undefined && ref.namespace !== namespace) {
      invalid(scope, `targets[${i}]`, `is in namespace '${ref.namespace}', but an AgentgatewayPolicy attaches only to objects of its own namespace ('${namespace}')`, `${ref.kind}/${ref.name}`, `create the policy in namespace '${ref.namespace}'`);
    }
    const key = `${ref.kind}/${ref.name}/${ref.sectionName ?? ''}`;
    if (seen.has(key)) invalid(scope, `targets[${i}]`, 'is listed twice', key, 'list each target once');
    seen.add(key);
    return { group, kind: ref.kind, name: ref.name, sectionName: ref.sectionName };
  });
  if (new Set(out.map((t) => t.kind)).size > 1) invalid(scope, 'targets', 'mix kinds: one AgentgatewayPolicy targets objects of one kind', out.map((t) => t.kind), 'split the policy per kind');
  return out;
}

function renderLocation(scope: Construct, field: string, l: AgentgatewayCredentialLocation | undefined): agw.AgentgatewayPolicySpecTrafficJwtAuthenticationLocation | undefined {
  if (l === undefined) return undefined;
  checkProps(scope, l, 'AgentgatewayCredentialLocation');
  assertKnownKeys(scope, field, l, keysOf<AgentgatewayCredentialLocation>({ header: true, prefix: true, queryParameter: true, expression: true }));
  const set = [l.header, l.queryParameter, l.expression].filter((x) => x !== undefined);
  if (set.length !== 1) invalid(scope, field, 'must set exactly one of header, queryParameter, expression', l, "pass { header: 'x-api-key' }");
  if (l.header !== undefined && !isHttpHeaderName(l.header)) invalid(scope, `${field}.header`, 'must be an HTTP header name', l.header, "use e.g. 'x-api-key'");
  if (l.prefix !== undefined && l.header === undefined) invalid(scope, `${field}.prefix`, 'applies to a header only', l.prefix, 'drop prefix, or read the credential from a header');
  if (l.expression !== undefined) requireCel(scope, `${field}.expression`, l.expression);
  return {
    header: l.header !== undefined ? { name: l.header, prefix: l.prefix } : undefined,
    queryParameter: l.queryParameter !== undefined ? { name: l.queryParameter } : undefined,
    expression: l.expression,
  };
}

function requireCel(scope: Construct, field: string, expr: unknown): string {
  if (typeof expr !== 'string' || expr.trim() === '' || expr.length > 16384) invalid(scope, field, 'must be a non-empty CEL expression of at most 16384 characters', expr, "write e.g. \"jwt.tier == 'premium'\"");
  return expr;
}

function renderTraffic(scope: Construct, t: AgentgatewayTraffic): agw.AgentgatewayPolicySpecTraffic {
  checkProps(scope, t, 'AgentgatewayTraffic');
  assertKnownKeys(scope, 'traffic', t, keysOf<AgentgatewayTraffic>({ phase: true, directResponse: true, jwtAuthentication: true, apiKeyAuthentication: true, extAuth: true, authorization: true, rateLimit: true, requestHeaders: true }));
  if (t.phase !== undefined) assertOneOf(scope, 'traffic.phase', t.phase, Object.values(AgentgatewayPolicyPhase));
  const direct = t.directResponse;
  if (direct !== undefined) {
    assertKnownKeys(scope, 'traffic.directResponse', direct, keysOf<AgentgatewayDirectResponse>({ status: true, body: true, headers: true }));
    assertInteger(scope, 'traffic.directResponse.status', direct.status, { min: 200, max: 599, type: 'HTTP status', fix: 'use e.g. 200' });
    if (direct.body !== undefined && typeof direct.body !== 'string') invalid(scope, 'traffic.directResponse.body', 'must be a string', direct.body, 'pass the response body as a string');
  }
  return {
    phase: t.phase as agw.AgentgatewayPolicySpecTrafficPhase | undefined,
    directResponse: direct ? { status: direct.status, body: direct.body, headers: directHeaders(scope, direct.headers) } : undefined,
    jwtAuthentication: t.jwtAuthentication ? renderJwt(scope, t.jwtAuthentication) : undefined,
    apiKeyAuthentication: t.apiKeyAuthentication ? renderApiKeys(scope, t.apiKeyAuthentication) : undefined,
    extAuth: t.extAuth ? renderExtAuth(scope, t.extAuth) : undefined,
    authorization: t.authorization ? renderAuthorization(scope, t.authorization) : undefined,
    rateLimit: t.rateLimit ? renderRateLimit(scope, t.rateLimit) : undefined,
    transformation: t.requestHeaders ? { request: renderRequestHeaders(scope, t.requestHeaders) } : undefined,
  };
}

function directHeaders(scope: Construct, headers: Record<string, string> | undefined): Array<{ name: string; value: string }> | undefined {
  const h = optionalStringMap(scope, 'traffic.directResponse.headers', headers);
  if (!h || Object.keys(h).length === 0) return undefined;
  return Object.entries(sortRecord(h)).map(([name, value]) => {
    if (!isHttpHeaderName(name)) invalid(scope, 'traffic.directResponse.headers', 'has a key that is not an HTTP header name', name, "use e.g. 'content-type'");
    return { name, value: requireCel(scope, `traffic.directResponse.headers[${name}]`, value) };
  });
}

function renderRequestHeaders(scope: Construct, h: NonNullable<AgentgatewayTraffic['requestHeaders']>): agw.AgentgatewayPolicySpecTrafficTransformationRequest {
  const field = 'traffic.requestHeaders';
  checkProps(scope, h, 'requestHeaders');
  assertKnownKeys(scope, field, h, ['set', 'remove']);
  const set = optionalStringMap(scope, `${field}.set`, h.set) ?? {};
  for (const [name, expr] of Object.entries(set)) {
    if (!isHttpHeaderName(name)) invalid(scope, `${field}.set`, 'has a key that is not an HTTP header name', name, "use e.g. 'x-user-id'");
    requireCel(scope, `${field}.set[${name}]`, expr);
  }
  const remove = h.remove ?? [];
  requireArray(scope, `${field}.remove`, remove, isHttpHeaderName, 'an HTTP header name', "pass remove: ['x-user-id']");
  if (Object.keys(set).length === 0 && remove.length === 0) invalid(scope, field, 'sets and removes nothing', h, 'set or remove at least one header, or leave requestHeaders out');
  return {
    set: Object.keys(set).length > 0 ? Object.entries(sortRecord(set)).map(([name, value]) => ({ name, value })) : undefined,
    remove: remove.length > 0 ? [...remove] : undefined,
  };
}

function renderJwt(scope: Construct, j: AgentgatewayJwtAuthentication): agw.AgentgatewayPolicySpecTrafficJwtAuthentication {
  const field = 'traffic.jwtAuthentication';
  checkProps(scope, j, 'AgentgatewayJwtAuthentication');
  assertKnownKeys(scope, field, j, keysOf<AgentgatewayJwtAuthentication>({ mode: true, providers: true, location: true }));
  if (j.mode !== undefined) assertOneOf(scope, `${field}.mode`, j.mode, Object.values(AgentgatewayAuthenticationMode));
  requireArray(scope, `${field}.providers`, j.providers, isPlainObject, 'a JWT provider', "pass providers: [{ issuer, jwks: { remote: { backend, jwksPath } } }]");
  if (j.providers.length === 0 || j.providers.length > 64) invalid(scope, `${field}.providers`, 'must list 1 to 64 issuers', j.providers.length, 'list the issuers whose tokens are accepted');
  return {
    mode: j.mode as agw.AgentgatewayPolicySpecTrafficJwtAuthenticationMode | undefined,
    providers: j.providers.map((p, i) => {
      const pf = `${field}.providers[${i}]`;
      assertKnownKeys(scope, pf, p, keysOf<AgentgatewayJwtProvider>({ issuer: true, audiences: true, jwks: true }));
      if (typeof p.issuer !== 'string' || p.issuer.length === 0) invalid(scope, `${pf}.issuer`, 'is required', p.issuer, "write the token issuer, e.g. 'https://sso.example.com/'");
      const jwks: AgentgatewayJwks = p.jwks;
      if (!isPlainObject(p.jwks) || (jwks.inline === undefined) === (jwks.remote === undefined)) invalid(scope, `${pf}.jwks`, 'must set exactly one of inline and remote', jwks, "pass jwks: { remote: { backend, jwksPath: '/.well-known/jwks.json' } }");
      const remote = jwks.remote;
      if (remote && (typeof remote.jwksPath !== 'string' || !remote.jwksPath.startsWith('/'))) invalid(scope, `${pf}.jwks.remote.jwksPath`, "must be a path starting with '/'", remote.jwksPath, "write e.g. '/.well-known/jwks.json'");
      return {
        issuer: p.issuer,
        audiences: p.audiences && p.audiences.length > 0 ? [...p.audiences] : undefined,
        jwks: {
          inline: jwks.inline,
          remote: remote
            ? { jwksPath: remote.jwksPath, backendRef: backendObjectRef(scope, `${pf}.jwks.remote.backend`, remote.backend), cacheDuration: remote.cacheDuration ? assertGatewayDuration(scope, `${pf}.jwks.remote.cacheDuration`, remote.cacheDuration) : undefined }
            : undefined,
        },
      };
    }),
    location: renderLocation(scope, `${field}.location`, j.location),
  };
}

function renderApiKeys(scope: Construct, a: AgentgatewayApiKeyAuthentication): agw.AgentgatewayPolicySpecTrafficApiKeyAuthentication {
  const field = 'traffic.apiKeyAuthentication';
  checkProps(scope, a, 'AgentgatewayApiKeyAuthentication');
  assertKnownKeys(scope, field, a, keysOf<AgentgatewayApiKeyAuthentication>({ mode: true, secret: true, secretSelector: true, location: true }));
  if (a.mode !== undefined) assertOneOf(scope, `${field}.mode`, a.mode, Object.values(AgentgatewayAuthenticationMode));
  if ((a.secret === undefined) === (a.secretSelector === undefined)) invalid(scope, field, 'must set exactly one of secret and secretSelector', Object.keys(a), 'reference the key Secret (secret: SecretRef.named(...)) or select Secrets by label');
  const selector = optionalStringMap(scope, `${field}.secretSelector`, a.secretSelector);
  if (selector && Object.keys(selector).length === 0) invalid(scope, `${field}.secretSelector`, 'is empty: it would select every Secret of the namespace', selector, 'select the key Secrets by at least one label');
  if (a.secret) {
    assertDnsSubdomain(scope, `${field}.secret`, a.secret.secretName);
    sameNamespace(scope, `${field}.secret`, a.secret);
  }
  return {
    mode: a.mode as agw.AgentgatewayPolicySpecTrafficApiKeyAuthenticationMode | undefined,
    secretRef: a.secret ? { name: a.secret.secretName } : undefined,
    secretSelector: selector ? { matchLabels: sortRecord(selector) } : undefined,
    location: renderLocation(scope, `${field}.location`, a.location),
  };
}

function sameNamespace(scope: Construct, field: string, secret: ISecretReference): void {
  const ns = Chart.of(scope).namespace;
  if (secret.namespace !== undefined && ns !== undefined && secret.namespace !== ns) {
    invalid(scope, field, `is in namespace '${secret.namespace}', but agentgateway reads Secrets of the policy's namespace ('${ns}') only`, `${secret.namespace}/${secret.secretName}`, `copy the Secret into '${ns}' (e.g. with an ExternalSecret)`);
  }
}

function renderExtAuth(scope: Construct, e: AgentgatewayExtAuth): agw.AgentgatewayPolicySpecTrafficExtAuth {
  const field = 'traffic.extAuth';
  checkProps(scope, e, 'AgentgatewayExtAuth');
  assertKnownKeys(scope, field, e, keysOf<AgentgatewayExtAuth>({ backend: true, protocol: true, failureMode: true }));
  assertOneOf(scope, `${field}.protocol`, e.protocol, ['grpc', 'http']);
  if (e.failureMode !== undefined) assertOneOf(scope, `${field}.failureMode`, e.failureMode, Object.values(AgentgatewayFailureMode));
  return {
    backendRef: backendObjectRef(scope, `${field}.backend`, e.backend),
    grpc: e.protocol === 'grpc' ? {} : undefined,
    http: e.protocol === 'http' ? {} : undefined,
    failureMode: e.failureMode as agw.AgentgatewayPolicySpecTrafficExtAuthFailureMode | undefined,
  };
}

function renderAuthorization(scope: Construct, a: AgentgatewayAuthorization): agw.AgentgatewayPolicySpecTrafficAuthorization {
  const field = 'traffic.authorization';
  checkProps(scope, a, 'AgentgatewayAuthorization');
  assertKnownKeys(scope, field, a, keysOf<AgentgatewayAuthorization>({ action: true, matchExpressions: true }));
  if (a.action !== undefined) assertOneOf(scope, `${field}.action`, a.action, Object.values(AgentgatewayAuthorizationAction));
  requireArray(scope, `${field}.matchExpressions`, a.matchExpressions, (v): v is string => typeof v === 'string', 'a CEL expression', "pass matchExpressions: [\"jwt.tier == 'premium'\"]");
  if (a.matchExpressions.length === 0 || a.matchExpressions.length > 256) invalid(scope, `${field}.matchExpressions`, 'must list 1 to 256 expressions', a.matchExpressions.length, 'give at least one expression');
  a.matchExpressions.forEach((x, i) => requireCel(scope, `${field}.matchExpressions[${i}]`, x));
  return { action: a.action as agw.AgentgatewayPolicySpecTrafficAuthorizationAction | undefined, policy: { matchExpressions: [...a.matchExpressions] } };
}

function renderLimits(scope: Construct, field: string, r: AgentgatewayRateLimits): { local?: agw.AgentgatewayPolicySpecTrafficRateLimitLocal[]; global?: agw.AgentgatewayPolicySpecTrafficRateLimitGlobal } {
  checkProps(scope, r, 'AgentgatewayRateLimits');
  if (r.local === undefined && r.global === undefined) invalid(scope, field, 'must set local or global limits', r, 'pass local: [{ requests: 100, unit: AgentgatewayLocalRateLimitUnit.MINUTES }] or global: {...}');
  if (r.local !== undefined) {
    requireArray(scope, `${field}.local`, r.local, isPlainObject, 'a local limit', 'pass local: [{ requests: 100, unit: AgentgatewayLocalRateLimitUnit.MINUTES }]');
    if (r.local.length === 0 || r.local.length > 16) invalid(scope, `${field}.local`, 'must list 1 to 16 limits', r.local.length, 'list the limits, or leave local out');
  }
  const local = r.local?.map((l, i) => {
    const lf = `${field}.local[${i}]`;
    assertKnownKeys(scope, lf, l, keysOf<AgentgatewayLocalRateLimit>({ requests: true, tokens: true, unit: true, burst: true }));
    if ((l.requests === undefined) === (l.tokens === undefined)) invalid(scope, lf, 'must set exactly one of requests and tokens', l, 'count requests or tokens, one per limit');
    for (const k of ['requests', 'tokens', 'burst'] as const) {
      if (l[k] !== undefined) assertInteger(scope, `${lf}.${k}`, l[k], { min: k === 'burst' ? 0 : 1, max: INT32_MAX, type: 'int32', fix: 'use a count between 1 and 2147483647 per unit' });
    }
    assertOneOf(scope, `${lf}.unit`, l.unit, Object.values(AgentgatewayLocalRateLimitUnit));
    return { requests: l.requests, tokens: l.tokens, unit: l.unit as unknown as agw.AgentgatewayPolicySpecTrafficRateLimitLocalUnit, burst: l.burst };
  });
  const g = r.global;
  let global: agw.AgentgatewayPolicySpecTrafficRateLimitGlobal | undefined;
  if (g !== undefined) {
    const gf = `${field}.global`;
    assertKnownKeys(scope, gf, g, keysOf<AgentgatewayGlobalRateLimit>({ backend: true, domain: true, descriptors: true, failureMode: true }));
    if (typeof g.domain !== 'string' || g.domain.length === 0 || g.domain.length > 256) invalid(scope, `${gf}.domain`, 'must be a non-empty string of at most 256 characters', g.domain, 'use the domain of the rate limit service configuration');
    if (g.failureMode !== undefined) assertOneOf(scope, `${gf}.failureMode`, g.failureMode, Object.values(AgentgatewayFailureMode));
    requireArray(scope, `${gf}.descriptors`, g.descriptors, isPlainObject, 'a descriptor', "pass descriptors: [{ entries: [{ name: 'user', expression: 'jwt.sub' }] }]");
    if (g.descriptors.length === 0 || g.descriptors.length > 16) invalid(scope, `${gf}.descriptors`, 'must list 1 to 16 descriptors', g.descriptors.length, 'list what the service counts by');
    global = {
      backendRef: backendObjectRef(scope, `${gf}.backend`, g.backend),
      domain: g.domain,
      failureMode: g.failureMode as agw.AgentgatewayPolicySpecTrafficRateLimitGlobalFailureMode | undefined,
      descriptors: g.descriptors.map((d, i) => {
        const df = `${gf}.descriptors[${i}]`;
        assertKnownKeys(scope, df, d, keysOf<AgentgatewayRateLimitDescriptor>({ entries: true, unit: true, cost: true }));
        requireArray(scope, `${df}.entries`, d.entries, isPlainObject, 'an entry { name, expression }', "pass entries: [{ name: 'user', expression: 'jwt.sub' }]");
        if (d.entries.length === 0 || d.entries.length > 16) invalid(scope, `${df}.entries`, 'must list 1 to 16 entries', d.entries.length, 'name what the descriptor counts by');
        if (d.unit !== undefined) assertOneOf(scope, `${df}.unit`, d.unit, Object.values(AgentgatewayRateLimitUnit));
        if (d.cost !== undefined) requireCel(scope, `${df}.cost`, d.cost);
        return {
          entries: d.entries.map((e, j) => {
            if (typeof e.name !== 'string' || e.name.length === 0 || e.name.length > 64) invalid(scope, `${df}.entries[${j}].name`, 'must be a non-empty name of at most 64 characters', e.name, "use e.g. 'user'");
            return { name: e.name, expression: requireCel(scope, `${df}.entries[${j}].expression`, e.expression) };
          }),
          unit: d.unit as agw.AgentgatewayPolicySpecTrafficRateLimitGlobalDescriptorsUnit | undefined,
          cost: d.cost,
        };
      }),
    };
  }
  return { local, global };
}

function renderRateLimit(scope: Construct, r: AgentgatewayRateLimit): agw.AgentgatewayPolicySpecTrafficRateLimit {
  const field = 'traffic.rateLimit';
  checkProps(scope, r, 'AgentgatewayRateLimit');
  assertKnownKeys(scope, field, r, keysOf<AgentgatewayRateLimit>({ local: true, global: true, conditional: true }));
  if (r.conditional === undefined) return renderLimits(scope, field, r);
  if (r.local !== undefined || r.global !== undefined) invalid(scope, field, 'sets conditional and top-level limits; set one or the other', Object.keys(r), 'move the top-level limits into a last conditional entry without condition');
  requireArray(scope, `${field}.conditional`, r.conditional, isPlainObject, 'a conditional entry { condition?, policy }', "pass conditional: [{ condition: \"request.path == '/x'\", policy: { local: [...] } }]");
  if (r.conditional.length === 0 || r.conditional.length > 16) invalid(scope, `${field}.conditional`, 'must list 1 to 16 entries', r.conditional.length, 'list the conditional limits');
  r.conditional.forEach((c, i) => {
    if (c.condition === undefined && i !== r.conditional!.length - 1) invalid(scope, `${field}.conditional[${i}].condition`, 'is missing, but only the last entry may be the fallback without a condition', undefined, 'give the entry a condition, or move it last');
  });
  return {
    conditional: r.conditional.map((c, i) => ({
      condition: c.condition === undefined ? undefined : requireCel(scope, `${field}.conditional[${i}].condition`, c.condition),
      policy: renderLimits(scope, `${field}.conditional[${i}].policy`, c.policy) as agw.AgentgatewayPolicySpecTrafficRateLimitConditionalPolicy,
    })),
  };
}

function renderBackend(scope: Construct, b: AgentgatewayBackendSettings): agw.AgentgatewayPolicySpecBackend {
  checkProps(scope, b, 'AgentgatewayBackendSettings');
  assertKnownKeys(scope, 'backend', b, keysOf<AgentgatewayBackendSettings>({ modelAliases: true, auth: true }));
  const aliases = optionalStringMap(scope, 'backend.modelAliases', b.modelAliases);
  if (aliases && Object.keys(aliases).length === 0) invalid(scope, 'backend.modelAliases', 'is empty', aliases, 'map at least one alias, or leave modelAliases out');
  if (b.modelAliases === undefined && b.auth === undefined) invalid(scope, 'backend', 'sets nothing', b, 'set modelAliases or auth');
  let auth: agw.AgentgatewayPolicySpecBackendAuth | undefined;
  if (b.auth) {
    assertKnownKeys(scope, 'backend.auth', b.auth, keysOf<AgentgatewayBackendAuth>({ secret: true, key: true }));
    requireCredentialSecret(scope, 'backend.auth.secret', b.auth.secret, "secret: SecretRef.named('provider-key')");
    sameNamespace(scope, 'backend.auth.secret', b.auth.secret);
    if (b.auth.key !== undefined && !isDnsSubdomain(b.auth.key.toLowerCase()) && !/^[-._a-zA-Z0-9]+$/.test(b.auth.key)) invalid(scope, 'backend.auth.key', 'must be a Secret data key', b.auth.key, "use e.g. 'Authorization'");
    auth = { secretRef: { name: b.auth.secret.secretName, key: b.auth.key } };
  }
  return { ai: aliases ? { modelAliases: sortRecord(aliases) } : undefined, auth };
}

function renderAttributeList(scope: Construct, field: string, list: readonly AgentgatewayAttribute[]): Array<{ name: string; expression: string }> {
  requireArray(scope, field, list, isPlainObject, 'an attribute { name, expression }', "pass [{ name: 'user_id', expression: 'request.headers[\"x-user-id\"]' }]");
  if (list.length === 0) invalid(scope, field, 'is empty', list, 'list at least one attribute, or leave it out');
  const seen = new Set<string>();
  return list.map((a, i) => {
    assertKnownKeys(scope, `${field}[${i}]`, a, keysOf<AgentgatewayAttribute>({ name: true, expression: true }));
    if (typeof a.name !== 'string' || a.name.length === 0 || a.name.length > 256) invalid(scope, `${field}[${i}].name`, 'must be a non-empty name of at most 256 characters', a.name, "use e.g. 'user_id'");
    if (seen.has(a.name)) invalid(scope, `${field}[${i}].name`, 'is listed twice', a.name, 'add each attribute once');
    seen.add(a.name);
    return { name: a.name, expression: requireCel(scope, `${field}[${i}].expression`, a.expression) };
  });
}

function renderAttributes(scope: Construct, field: string, a: AgentgatewayAttributes | undefined): { add?: Array<{ name: string; expression: string }>; remove?: string[] } | undefined {
  if (a === undefined) return undefined;
  checkProps(scope, a, 'AgentgatewayAttributes');
  assertKnownKeys(scope, field, a, keysOf<AgentgatewayAttributes>({ add: true, remove: true }));
  if (a.add === undefined && a.remove === undefined) invalid(scope, field, 'sets neither add nor remove', a, 'add or remove at least one field, or leave attributes out');
  const remove = a.remove;
  if (remove !== undefined) {
    requireArray(scope, `${field}.remove`, remove, (v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64, 'a field name of 1 to 64 characters', "pass remove: ['http.path']");
    if (remove.length === 0 || remove.length > 32) invalid(scope, `${field}.remove`, 'must list 1 to 32 fields', remove.length, 'list the default fields to leave out');
  }
  return { add: a.add === undefined ? undefined : renderAttributeList(scope, `${field}.add`, a.add), remove: remove && [...remove] };
}

/** `protocol` and `path` of an OTLP export: a path only with HTTP, starting with '/' (the CRD's rules). */
function renderOtlp(scope: Construct, field: string, protocol: AgentgatewayOtlpProtocol | undefined, path: string | undefined): { protocol?: AgentgatewayOtlpProtocol; path?: string } {
  if (protocol !== undefined) assertOneOf(scope, `${field}.protocol`, protocol, Object.values(AgentgatewayOtlpProtocol));
  if (path !== undefined) {
    if (protocol !== AgentgatewayOtlpProtocol.HTTP) invalid(scope, `${field}.path`, 'applies to OTLP/HTTP only', path, 'set protocol: AgentgatewayOtlpProtocol.HTTP, or drop path');
    if (typeof path !== 'string' || !path.startsWith('/') || path.length > 1024) invalid(scope, `${field}.path`, "must be a path starting with '/' (at most 1024 characters)", path, "use e.g. '/v1/traces'");
  }
  return { protocol, path };
}

/** `frontend.accessLog` and `frontend.tracing` (`http.maxBufferSize` is written by the policy, which may raise it later). */
function renderFrontend(scope: Construct, f: AgentgatewayFrontend): agw.AgentgatewayPolicySpecFrontend | undefined {
  checkProps(scope, f, 'AgentgatewayFrontend');
  assertKnownKeys(scope, 'frontend', f, keysOf<AgentgatewayFrontend>({ accessLog: true, tracing: true, maxBufferSize: true }));
  if (f.accessLog === undefined && f.tracing === undefined && f.maxBufferSize === undefined) {
    invalid(scope, 'frontend', 'sets nothing', f, 'set accessLog, tracing or maxBufferSize, or leave frontend out');
  }
  const log = f.accessLog;
  let accessLog: agw.AgentgatewayPolicySpecFrontendAccessLog | undefined;
  if (log !== undefined) {
    const field = 'frontend.accessLog';
    checkProps(scope, log, 'AgentgatewayFrontendAccessLog');
    assertKnownKeys(scope, field, log, keysOf<AgentgatewayFrontendAccessLog>({ filter: true, attributes: true, otlp: true }));
    const otlp = log.otlp;
    if (otlp !== undefined) assertKnownKeys(scope, `${field}.otlp`, otlp, keysOf<AgentgatewayOtlpAccessLog>({ backend: true, protocol: true, path: true }));
    accessLog = {
      filter: log.filter === undefined ? undefined : requireCel(scope, `${field}.filter`, log.filter),
      attributes: renderAttributes(scope, `${field}.attributes`, log.attributes),
      otlp: otlp === undefined ? undefined : { backendRef: backendObjectRef(scope, `${field}.otlp.backend`, otlp.backend), ...(renderOtlp(scope, `${field}.otlp`, otlp.protocol, otlp.path) as { protocol?: agw.AgentgatewayPolicySpecFrontendAccessLogOtlpProtocol }) },
    };
  }
  const t = f.tracing;
  let tracing: agw.AgentgatewayPolicySpecFrontendTracing | undefined;
  if (t !== undefined) {
    const field = 'frontend.tracing';
    checkProps(scope, t, 'AgentgatewayFrontendTracing');
    assertKnownKeys(scope, field, t, keysOf<AgentgatewayFrontendTracing>({ backend: true, protocol: true, path: true, randomSampling: true, clientSampling: true, filter: true, attributes: true, resources: true }));
    const cel = (k: 'randomSampling' | 'clientSampling' | 'filter'): string | undefined => (t[k] === undefined ? undefined : requireCel(scope, `${field}.${k}`, t[k]));
    tracing = {
      backendRef: backendObjectRef(scope, `${field}.backend`, t.backend),
      ...(renderOtlp(scope, field, t.protocol, t.path) as { protocol?: agw.AgentgatewayPolicySpecFrontendTracingProtocol }),
      randomSampling: cel('randomSampling'),
      clientSampling: cel('clientSampling'),
      filter: cel('filter'),
      attributes: renderAttributes(scope, `${field}.attributes`, t.attributes),
      resources: t.resources === undefined ? undefined : renderAttributeList(scope, `${field}.resources`, t.resources),
    };
  }
  return accessLog === undefined && tracing === undefined ? undefined : { accessLog, tracing };
}
