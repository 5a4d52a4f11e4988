import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as eg from '../../imports/envoygateway-gateway.envoyproxy.io';
import * as istio from '../../imports/istio-telemetry.istio.io';
import * as kong from '../../imports/kong-configuration.konghq.com';
import { CREDENTIAL_HEADERS, isCredentialHeader } from '../core/credentials';
import { invalid } from '../core/errors';
import { assertDnsLabel } from '../core/names';
import { sortRecord } from '../core/sort-keys';
import { IGateway } from '../gateway/gateway';
import { AgentgatewayAttribute, AgentgatewayPolicy } from '../agentgateway/agentgateway-policy';
import { Platform } from '../core/platform';
import { EnvoyProxyConfig } from '../policy/envoy-gateway/envoy-proxy';
import { HttpListenerPolicy } from '../policy/kgateway/http-listener-policy';
import { noteIstioExtensionProvider } from './istio-mesh-config';
import { checkProps, childPath, hasProperty, requireShape } from '../core/prop-types';

/**
 * True for a request header that carries credentials and must never reach a
 * log: one of `CREDENTIAL_HEADERS`, or any header whose name mentions a
 * token, secret, password or credential (a log errs on the side of leaving
 * a header out).
 */
function isSecretHeader(header: string): boolean {
  return isCredentialHeader(header) || /token|secret|password|credential/i.test(header);
}

/**
 * How agentgateway logs a {@link LogField}: a CEL `expression` added under the
 * field's key (replacing agentgateway's default field `replaces`, if any),
 * or a `builtIn` field agentgateway already writes on every line under its
 * own name (crates/agentgateway/src/telemetry/log.rs, agentgateway v1.4.1).
 */
export type AgentgatewayLogSource = { readonly expression: string; readonly replaces?: string } | { readonly builtIn: string };

/** The CEL reading a request header (agentgateway lower-cases header names). */
function celHeader(header: string): string {
  return `request.headers[${JSON.stringify(header.toLowerCase())}]`;
}

/**
 * One field of a structured access log line: its JSON key, the Envoy
 * command operator that fills it (kgateway, Envoy Gateway and Istio all run
 * Envoy) and how agentgateway logs it. The identity fields read the headers
 * the access policies set after authentication (`x-user-id`, `x-user-tier`).
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/configuration/observability/access_log/usage#command-operators
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/crates/agentgateway/src/telemetry/log.rs
 */
export class LogField {
  /** `start_time`: when the request started (agentgateway: CEL `request.startTime`). */
  public static startTime(): LogField {
    return new LogField('start_time', '%START_TIME%', { expression: 'request.startTime' });
  }
  /** `request_id`: `x-request-id`. */
  public static requestId(): LogField {
    return new LogField('request_id', '%REQ(X-REQUEST-ID)%', { expression: celHeader('x-request-id') });
  }
  /** `user_id`: the authenticated user, from the identity header the policy sets. */
  public static userId(header = 'x-user-id'): LogField {
    return new LogField('user_id', `%REQ(${header.toUpperCase()})%`, { expression: celHeader(header) });
  }
  /** `tier`: the caller's tier, from the identity header the policy sets. */
  public static tier(header = 'x-user-tier'): LogField {
    return new LogField('tier', `%REQ(${header.toUpperCase()})%`, { expression: celHeader(header) });
  }
  /** `route`: the matched route (the model); agentgateway's own `route` field (`<namespace>/<name>`). */
  public static model(): LogField {
    return new LogField('route', '%ROUTE_NAME%', { builtIn: 'route' });
  }
  /** `method` (agentgateway: `request.method`, in place of its `http.method`). */
  public static method(): LogField {
    return new LogField('method', '%REQ(:METHOD)%', { expression: 'request.method', replaces: 'http.method' });
  }
  /** `path`, without the query string, which may carry tokens (agentgateway: `request.path`, in place of its `http.path`, which has the query). */
  public static path(): LogField {
    return new LogField('path', '%REQ_WITHOUT_QUERY(X-ENVOY-ORIGINAL-PATH?:PATH)%', { expression: 'request.path', replaces: 'http.path' });
  }
  /** `status`: the response code (agentgateway: `response.code`, in place of its `http.status`). */
  public static status(): LogField {
    return new LogField('status', '%RESPONSE_CODE%', { expression: 'response.code', replaces: 'http.status' });
  }
  /** `latency_ms`: total duration in milliseconds (agentgateway: its own `duration` field, e.g. `12ms`). */
  public static latencyMs(): LogField {
    return new LogField('latency_ms', '%DURATION%', { builtIn: 'duration' });
  }
  /** `upstream_host`: the backend pod that served the request (agentgateway: its own `endpoint` field). */
  public static upstreamHost(): LogField {
    return new LogField('upstream_host', '%UPSTREAM_HOST%', { builtIn: 'endpoint' });
  }
  /** `response_flags`: Envoy's reason codes (UH, RL, UAEX, ...); agentgateway: its own `reason` field (Upstream, RateLimit, JwtAuth, ...). */
  public static responseFlags(): LogField {
    return new LogField('response_flags', '%RESPONSE_FLAGS%', { builtIn: 'reason' });
  }
  /** `bytes_sent`. Not logged by agentgateway, whose log and CEL context have no response size (left out there). */
  public static bytesSent(): LogField {
    return new LogField('bytes_sent', '%BYTES_SENT%');
  }

  /**
   * Another request header, by name.
   *
   * @throws ModelServingError (when used) for a header that carries credentials (Authorization, cookies, API keys, tokens)
   */
  public static requestHeader(key: string, header: string): LogField {
    return new LogField(key, `%REQ(${header.toUpperCase()})%`, { expression: celHeader(header) }, header);
  }

  private constructor(
    /** The JSON key. */
    public readonly key: string,
    /** The Envoy command operator. */
    public readonly envoy: string,
    /** How agentgateway logs it; undefined when it cannot. */
    public readonly agentgateway?: AgentgatewayLogSource,
    /** The request header read, for custom header fields. */
    public readonly header?: string,
  ) {}
}

/** The fields logged by default: identity, model, outcome and timing, never credentials. */
export const DEFAULT_LOG_FIELDS: readonly LogField[] = [
  LogField.startTime(),
  LogField.requestId(),
  LogField.userId(),
  LogField.tier(),
  LogField.model(),
  LogField.method(),
  LogField.path(),
  LogField.status(),
  LogField.latencyMs(),
  LogField.upstreamHost(),
  LogField.responseFlags(),
  LogField.bytesSent(),
];

/** Props of {@link AccessLog}. */
export interface AccessLogProps {
  /** The Gateway whose proxies log (kgateway, Envoy Gateway, Istio or agentgateway). */
  readonly gateway: IGateway;
  /** The fields of each JSON line. @default DEFAULT_LOG_FIELDS */
  readonly fields?: readonly LogField[];
  /** Name of the mesh-config extension provider (Istio). @default 'model-access-log' */
  readonly istioProviderName?: string;
}

/**
 * Structured (JSON) access logs on a Gateway's proxies, for audit: who
 * (user id, tier) called which model, with status and latency. Written to
 * the proxies' stdout with the provider's own kind — kgateway's
 * HTTPListenerPolicy, Envoy Gateway's EnvoyProxy, Istio's Telemetry (with a
 * mesh-config provider, see {@link istioMeshConfigProvider}, which the
 * platform README lists under "Cluster setup outside dist/"), agentgateway's
 * `AgentgatewayPolicy` `frontend.accessLog` (see {@link agentgatewayAttributes};
 * agentgateway writes JSON lines once its AgentgatewayParameters set
 * `logging.format: json`, a setup note). Credentials are never logged: a
 * field reading the Authorization header, cookies or API keys is refused,
 * and the path is logged without its query string.
 *
 * For Kong use {@link KongAccessLog}.
 */
export class AccessLog extends Construct {
  /** The JSON format: field key to Envoy command operator, sorted. */
  public readonly format: Readonly<Record<string, string>>;
  /** On agentgateway, the `AgentgatewayPolicy` with `frontend.accessLog`. */
  public readonly agentgatewayPolicy?: AgentgatewayPolicy;
  private readonly providerName: string;
  private readonly fields: readonly LogField[];

  public constructor(scope: Construct, id: string, props: AccessLogProps) {
    checkProps(childPath(scope, id), props, 'AccessLogProps');
    super(scope, id);
    this.fields = props.fields ?? DEFAULT_LOG_FIELDS;
    this.format = checkedFormat(this, this.fields);
    this.providerName = props.istioProviderName ?? 'model-access-log';
    requireShape(this, 'gateway', props.gateway, (v): v is IGateway => hasProperty(v, 'gatewayName'), 'a Gateway', 'pass a Gateway construct, or Gateway.fromGatewayName(...)');
    const gw = props.gateway;
    switch (gw.provider?.id) {
      case 'kgateway':
        HttpListenerPolicy.forGateway(this, gw).addAccessLog({ fileSink: { path: '/dev/stdout', jsonFormat: this.format } });
        break;
      case 'envoy-gateway':
        EnvoyProxyConfig.forGateway(this, gw).addAccessLog({
          format: { type: eg.EnvoyProxySpecTelemetryAccessLogSettingsFormatType.JSON, json: { ...this.format } },
          sinks: [{ type: eg.EnvoyProxySpecTelemetryAccessLogSettingsSinksType.FILE, file: { path: '/dev/stdout' } }],
        });
        break;
      case 'istio': {
        const dp = gw.dataPlane;
        if (!dp || Chart.of(this).namespace !== gw.gatewayNamespace) {
          invalid(this, 'scope', "must be the Istio Gateway's namespace (a Telemetry selects proxies of its own namespace)", Chart.of(this).namespace, `create the AccessLog in namespace '${gw.gatewayNamespace}'`);
        }
        const telemetry = new istio.Telemetry(this, 'Resource', {
          metadata: { name: assertDnsLabel(this, 'name', `${gw.gatewayName}-access-log`) },
          spec: { selector: { matchLabels: sortRecord(dp.selector) }, accessLogging: [{ providers: [{ name: this.providerName }] }] },
        });
        noteIstioExtensionProvider(this, 'access log', `${gw.gatewayNamespace}/${telemetry.name}`, this.istioMeshConfigProvider());
        break;
      }
      case 'agentgateway': {
        // An AgentgatewayPolicy attaches to objects of its own namespace only (controller/pkg/agentgateway/plugins, targetRefs).
        if (Chart.of(this).namespace !== gw.gatewayNamespace) {
          invalid(this, 'scope', "must be the agentgateway Gateway's namespace (an AgentgatewayPolicy attaches to a Gateway of its own namespace)", Chart.of(this).namespace, `create the AccessLog in namespace '${gw.gatewayNamespace}'`);
        }
        const attributes = this.agentgatewayAttributes();
        this.agentgatewayPolicy = new AgentgatewayPolicy(this, 'Policy', { name: `${gw.gatewayName}-access-log`, targets: [gw], frontend: { accessLog: { attributes: attributes.add.length > 0 ? { add: attributes.add, remove: attributes.remove.length > 0 ? attributes.remove : undefined } : undefined } } });
        Platform.of(this).addSetupNote(
          'agentgateway access log as JSON',
          [
            `The AgentgatewayPolicy \`${gw.gatewayNamespace}/${this.agentgatewayPolicy.policyName}\` adds the audit fields to the request log of the agentgateway proxies, which agentgateway writes as text unless told otherwise (\`LoggingFormat\` defaults to Text, crates/agentgateway/src/lib.rs).`,
            'Set the format in the AgentgatewayParameters the `agentgateway` GatewayClass uses (rendered into the proxy ConfigMap, controller/pkg/helm/agentgateway/templates/configmap.yaml):',
            '',
            '```yaml',
            'spec:',
            '  logging:',
            '    format: json',
            '```',
          ].join('\n'),
        );
        break;
      }
      default:
        invalid(this, 'gateway.provider', 'has no access-log support here', gw.provider?.id, 'use kgateway, Envoy Gateway, Istio or agentgateway, or KongAccessLog for Kong');
    }
  }

  /**
   * The fields as agentgateway's `frontend.accessLog.attributes`: a CEL
   * expression added per field that agentgateway does not log itself
   * (`add`), the default fields they replace (`remove`: `http.path`, which
   * holds the query string, `http.method`, `http.status`), the fields
   * agentgateway logs under its own name (`builtIn`: `route`, `duration`,
   * `endpoint`, `reason`) and those it cannot log (`omitted`: `bytes_sent`).
   */
  public agentgatewayAttributes(): { readonly add: readonly AgentgatewayAttribute[]; readonly remove: readonly string[]; readonly builtIn: Readonly<Record<string, string>>; readonly omitted: readonly string[] } {
    const add: AgentgatewayAttribute[] = [];
    const remove: string[] = [];
    const builtIn: Record<string, string> = {};
    const omitted: string[] = [];
    for (const f of this.fields) {
      const src = f.agentgateway;
      if (src === undefined) omitted.push(f.key);
      else if ('builtIn' in src) builtIn[f.key] = src.builtIn;
      else {
        add.push({ name: f.key, expression: src.expression });
        if (src.replaces) remove.push(src.replaces);
      }
    }
    return { add: add.sort((a, b) => a.name.localeCompare(b.name)), remove: remove.sort(), builtIn: sortRecord(builtIn), omitted: omitted.sort() };
  }

  /**
   * The `meshConfig.extensionProviders[]` entry Istio needs: a file access
   * log on stdout with this JSON format (Istio reads formats from mesh config).
   */
  public istioMeshConfigProvider(): { readonly name: string; readonly envoyFileAccessLog: { readonly path: string; readonly logFormat: { readonly labels: Readonly<Record<string, string>> } } } {
    return { name: this.providerName, envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: this.format } } };
  }
}

/** Props of {@link KongAccessLog}. */
export interface KongAccessLogProps {
  /** `metadata.name` of the KongClusterPlugin. @default 'access-log' */
  readonly name?: string;
  /** The ingress class of the Kong controller. @default 'kong' */
  readonly ingressClass?: string;
}

/** `set-cookie` is a response header, never in Kong's `request.headers`: the one `CREDENTIAL_HEADERS` entry the Kong access log need not remove. */
const KONG_NOT_REDACTED = new Set(['set-cookie']);

/** Request headers Kong's log serializer would include and that the Kong access log removes (from `CREDENTIAL_HEADERS`, sorted). */
export const KONG_REDACTED_HEADERS: readonly string[] = CREDENTIAL_HEADERS.filter((h) => !KONG_NOT_REDACTED.has(h)).sort();

/**
 * Structured access logs on Kong: a global `file-log` plugin
 * (KongClusterPlugin labelled `global: "true"`) writing Kong's JSON log
 * serializer to stdout — consumer (user), route (model), status, latencies —
 * with the credential-bearing request headers removed through
 * `custom_fields_by_lua` (Kong's serializer logs request headers otherwise).
 *
 * @see https://developer.konghq.com/plugins/file-log/
 */
export class KongAccessLog extends Construct {
  /** The L1 object. */
  public readonly resource: kong.KongClusterPlugin;

  public constructor(scope: Construct, id: string, props: KongAccessLogProps = {}) {
    checkProps(childPath(scope, id), props, 'KongAccessLogProps');
    super(scope, id);
    const remove = Object.fromEntries(KONG_REDACTED_HEADERS.map((h) => [`request.headers.${h}`, 'return nil']));
    this.resource = new kong.KongClusterPlugin(this, 'Resource', {
      metadata: { name: assertDnsLabel(this, 'name', props.name ?? 'access-log'), labels: { global: 'true' }, annotations: { 'kubernetes.io/ingress.class': props.ingressClass ?? 'kong' } },
      plugin: 'file-log',
      config: { path: '/dev/stdout', reopen: false, custom_fields_by_lua: sortRecord(remove) },
    });
  }
}

function checkedFormat(scope: Construct, fields: readonly LogField[]): Record<string, string> {
  if (fields.length === 0) invalid(scope, 'fields', 'must log at least one field', [], 'use DEFAULT_LOG_FIELDS');
  const format: Record<string, string> = {};
  for (const f of fields) {
    if (!/^[a-z][a-z0-9_]*$/.test(f.key)) invalid(scope, 'fields', 'has a key that is not snake_case', f.key, 'use keys like user_id');
    if (f.key in format) invalid(scope, 'fields', 'has a duplicate key', f.key, 'log each key once');
    if ((f.header && isSecretHeader(f.header)) || /AUTHORIZATION|COOKIE|API-?KEY|TOKEN/i.test(f.envoy)) {
      invalid(scope, `fields.${f.key}`, 'would write credentials (Authorization, cookies, API keys or tokens) to the logs', f.header ?? f.envoy, 'log the identity fields (user_id, tier) that the gateway derives after authentication instead');
    }
    format[f.key] = f.envoy;
  }
  return sortRecord(format);
}
