import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kong from '../../../imports/kong-configuration.konghq.com';
import { isCredentialHeader } from '../../core/credentials';
import { refuseCredential } from '../../core/credential-refusal';
import { errorMessage, invalid } from '../../core/errors';
import { assertHttpHeaderName, assertHttpHeaderValue } from '../../core/http-header';
import { assertDnsSubdomain, isDnsSubdomain } from '../../core/names';
import { checkProps, childPath } from '../../core/prop-types';
import { checkedRecord } from '../../core/records';
import { assertSafePath } from '../../core/url-path';
import type { InferenceService } from '../../serving/inference-service';

/** The Service annotation that attaches a KongUpstreamPolicy (value: the policy name, same namespace). */
export const KONG_UPSTREAM_POLICY_ANNOTATION = 'konghq.com/upstream-policy';

/**
 * A load-balancing algorithm of Kong OSS (`spec.algorithm`). The CRD also
 * accepts `sticky-sessions`, which is Kong Enterprise only (Kong OSS 3.9's
 * upstream schema refuses it: kong/db/schema/entities/upstreams.lua), so it is
 * not offered.
 */
export type KongLoadBalancing = 'round-robin' | 'consistent-hashing' | 'least-connections' | 'latency';

const ALGORITHMS: readonly KongLoadBalancing[] = ['round-robin', 'consistent-hashing', 'least-connections', 'latency'];

/** What a hash is computed from, and its name (`hashOn` / `hashOnFallback`). */
/** What a `KongHashOn` hashes on. */
export type HashKind = 'input' | 'header' | 'cookie' | 'queryArg' | 'uriCapture';

/**
 * What consistent hashing hashes (`spec.hashOn`, `spec.hashOnFallback`): one
 * of the client IP, the consumer, the path, a header, a cookie, a query
 * argument or a regex capture of the route path.
 *
 * ```ts
 * KongHashOn.header('x-session-id')
 * KongHashOn.cookie('session-id', '/')   // Kong sets the cookie when absent
 * ```
 *
 * @see https://developer.konghq.com/gateway/entities/upstream/#consistent-hashing
 */
export class KongHashOn {
  /** The client IP address (`input: ip`). */
  public static ip(): KongHashOn {
    return new KongHashOn('input', 'ip');
  }

  /** The authenticated consumer (`input: consumer`); requests without a consumer fall back. */
  public static consumer(): KongHashOn {
    return new KongHashOn('input', 'consumer');
  }

  /** The request path (`input: path`). */
  public static path(): KongHashOn {
    return new KongHashOn('input', 'path');
  }

  /**
   * A request header (`header`); requests without it fall back.
   *
   * @throws ModelServingError for a name that is not an HTTP header name
   */
  public static header(name: string): KongHashOn {
    return new KongHashOn('header', assertHttpHeaderName('KongHashOn.header', 'name', name));
  }

  /**
   * A cookie (`cookie`, `cookiePath`): Kong sets it (with that path) on
   * responses to clients that have none, so a client sticks to one target.
   * Only as `hashOn` (Kong ignores any fallback then, and the CRD refuses one),
   * or as the fallback of a `hashOn` that is not a cookie.
   *
   * @param path `cookiePath`, an absolute path. @default '/'
   * @throws ModelServingError for a bad cookie name or path
   */
  public static cookie(name: string, path = '/'): KongHashOn {
    // RFC 6265 section 4.1.1: a cookie name is an RFC 7230 token.
    if (typeof name !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) invalid('KongHashOn.cookie', 'name', 'must be a cookie name (an RFC 6265 token: letters, digits and !#$%&\'*+.^_`|~-)', name, "use e.g. 'session-id'");
    if (typeof path !== 'string' || !path.startsWith('/')) invalid('KongHashOn.cookie', 'path', 'must be an absolute path', path, "use '/'");
    assertSafePath('KongHashOn.cookie', 'path', path, "use '/'");
    return new KongHashOn('cookie', name, path);
  }

  /**
   * A query argument (`queryArg`).
   *
   * @throws ModelServingError for an empty name
   */
  public static queryArg(name: string): KongHashOn {
    if (typeof name !== 'string' || name === '' || /[\s&=#]/.test(name)) invalid('KongHashOn.queryArg', 'name', 'must be a non-empty query argument name without spaces, &, = or #', name, "use e.g. 'user'");
    return new KongHashOn('queryArg', name);
  }

  /**
   * A named capture of the route's regex path (`uriCapture`).
   *
   * @throws ModelServingError for a name that is not a capture-group name
   */
  public static uriCapture(name: string): KongHashOn {
    if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) invalid('KongHashOn.uriCapture', 'name', 'must be a regex capture-group name (letters, digits and _)', name, "use e.g. 'model'");
    return new KongHashOn('uriCapture', name);
  }

  private constructor(
    /** Which field is set. */
    public readonly kind: HashKind,
    /** Its value (the input, header, cookie, argument or capture name). */
    public readonly value: string,
    /** `cookiePath`, for a cookie. */
    public readonly cookiePath?: string,
  ) {}

  /** The CRD shape. */
  public get spec(): kong.KongUpstreamPolicySpecHashOn {
    if (this.kind === 'input') return { input: this.value as kong.KongUpstreamPolicySpecHashOnInput };
    if (this.kind === 'cookie') return { cookie: this.value, cookiePath: this.cookiePath };
    return { [this.kind]: this.value };
  }

  /** What Kong's `hash_on` becomes, for the distinctness rules: `ip`, `header`, `cookie`... */
  public get kongHashOn(): string {
    return this.kind === 'input' ? this.value : this.kind;
  }
}

/** A health-check protocol (`type`). */
export type KongHealthCheckType = 'http' | 'https' | 'tcp' | 'grpc' | 'grpcs';

/** When an active check declares a target healthy (`healthchecks.active.healthy`). */
export interface KongActiveHealthy {
  /** `interval`: probe period for healthy targets, whole seconds, 0-65535; zero does not probe them. @default - Kong's 0: healthy targets are not probed */
  readonly interval?: Duration;
  /** `successes`: consecutive successes that make a target healthy, 0-255. @default - Kong's 0 (disabled) */
  readonly successes?: number;
  /** `httpStatuses`: statuses that count as success, 100-599. @default - Kong's [200, 302] */
  readonly httpStatuses?: readonly number[];
}

/** When an active check declares a target unhealthy (`healthchecks.active.unhealthy`). */
export interface KongActiveUnhealthy {
  /** `interval`: probe period for unhealthy targets, whole seconds, 0-65535; zero never probes them, so they never come back. @default - Kong's 0 */
  readonly interval?: Duration;
  /** `httpFailures`: failing HTTP statuses that make a target unhealthy, 0-255. @default - Kong's 0 (disabled) */
  readonly httpFailures?: number;
  /** `tcpFailures`: TCP failures that make a target unhealthy, 0-255. @default - Kong's 0 (disabled) */
  readonly tcpFailures?: number;
  /** `timeouts`: probe timeouts that make a target unhealthy, 0-255. @default - Kong's 0 (disabled) */
  readonly timeouts?: number;
  /** `httpStatuses`: statuses that count as failure, 100-599. @default - Kong's [429, 404, 500, 501, 502, 503, 504, 505] */
  readonly httpStatuses?: readonly number[];
}

/**
 * Active health checks (`healthchecks.active`): Kong probes each target.
 * At least one of `healthy.interval` and `unhealthy.interval` must be
 * positive, or nothing is ever probed.
 */
export interface KongActiveHealthCheck {
  /** `type`. @default - Kong's 'http' */
  readonly type?: KongHealthCheckType;
  /** `httpPath`: the path probed (http/https). @default - Kong's '/' */
  readonly httpPath?: string;
  /** `httpsSni`: the SNI of https/grpcs probes. @default - the target host */
  readonly httpsSni?: string;
  /** `httpsVerifyCertificate`: verify the target certificate (https/grpcs probes). @default - Kong's true */
  readonly httpsVerifyCertificate?: boolean;
  /** `timeout`: probe timeout, whole seconds, 0-65535. @default - Kong's 1 second */
  readonly timeout?: Duration;
  /** `concurrency`: targets probed at once, at least 1. @default - Kong's 10 */
  readonly concurrency?: number;
  /** `headers`: headers sent with probes, name to values. No credential headers (they would be committed to dist/). @default - none */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** `healthy`. @default - Kong's defaults */
  readonly healthy?: KongActiveHealthy;
  /** `unhealthy`. @default - Kong's defaults */
  readonly unhealthy?: KongActiveUnhealthy;
}

/** When proxied traffic declares a target healthy (`healthchecks.passive.healthy`; no interval: passive checks have none). */
export interface KongPassiveHealthy {
  /** `successes`, 0-255. @default - Kong's 0 (disabled) */
  readonly successes?: number;
  /** `httpStatuses`, 100-599. @default - Kong's 2xx and 3xx */
  readonly httpStatuses?: readonly number[];
}

/** When proxied traffic declares a target unhealthy (`healthchecks.passive.unhealthy`: the circuit breaker). */
export interface KongPassiveUnhealthy {
  /** `httpFailures`, 0-255. @default - Kong's 0 (disabled) */
  readonly httpFailures?: number;
  /** `tcpFailures`, 0-255. @default - Kong's 0 (disabled) */
  readonly tcpFailures?: number;
  /** `timeouts`, 0-255. @default - Kong's 0 (disabled) */
  readonly timeouts?: number;
  /** `httpStatuses`, 100-599. @default - Kong's [429, 500, 503] */
  readonly httpStatuses?: readonly number[];
}

/** Passive health checks (`healthchecks.passive`, the circuit breaker): Kong watches proxied traffic. */
export interface KongPassiveHealthCheck {
  /** `type`. @default - Kong's 'http' */
  readonly type?: KongHealthCheckType;
  /** `healthy`. @default - Kong's defaults */
  readonly healthy?: KongPassiveHealthy;
  /** `unhealthy`. @default - Kong's defaults */
  readonly unhealthy?: KongPassiveUnhealthy;
}

/** Health checks of the upstream's targets (`spec.healthchecks`). */
export interface KongHealthChecks {
  /** `active`. @default - no active checks */
  readonly active?: KongActiveHealthCheck;
  /** `passive`. @default - no passive checks */
  readonly passive?: KongPassiveHealthCheck;
  /** `threshold`: the percentage (0-100) of target weight that must be healthy for the upstream to be healthy. @default - Kong's 0 */
  readonly threshold?: number;
}

/** Props of {@link KongUpstreamPolicy}. */
export interface KongUpstreamPolicyProps {
  /** `metadata.name`, what the Services' `konghq.com/upstream-policy` annotation names. @default - the construct id */
  readonly name?: string;
  /** `spec.algorithm`. @default - 'consistent-hashing' when `hashOn` is given, else Kong's 'round-robin' (left out) */
  readonly algorithm?: KongLoadBalancing;
  /** `spec.hashOn`: what consistent hashing hashes. Requires `algorithm: 'consistent-hashing'`. @default - none */
  readonly hashOn?: KongHashOn;
  /** `spec.hashOnFallback`: what is hashed when `hashOn` has no value (no header, no consumer). Not with a cookie `hashOn`. @default - none */
  readonly hashOnFallback?: KongHashOn;
  /** `spec.slots`: slots of the balancer ring, 10-65536. @default - Kong's 10000 */
  readonly slots?: number;
  /** `spec.healthchecks`. @default - none (Kong's defaults: no checks) */
  readonly healthchecks?: KongHealthChecks;
  /** The Services (or Standard-mode InferenceServices) the policy applies to (more with {@link KongUpstreamPolicy.attachTo}). @default - none */
  readonly services?: readonly KongUpstreamTarget[];
  /** `metadata.labels`. @default - the platform labels */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

const BYTE = 255;
const MAX_SECONDS = 65535;
const policies = new WeakMap<ApiObject, KongUpstreamPolicy>();

/**
 * What a KongUpstreamPolicy attaches to: a core v1 Service object (e.g. a
 * `KubeService`), or an InferenceService in Standard mode (KServe copies its
 * annotations to the Services it makes).
 */
export type KongUpstreamTarget = ApiObject | InferenceService;

/** The object whose annotation carries the policy: the Service, or the InferenceService's own resource; undefined for anything else. */
function targetObject(t: KongUpstreamTarget): ApiObject | undefined {
  if (t instanceof ApiObject) return t.kind === 'Service' && t.apiVersion === 'v1' ? t : undefined;
  const resource = (t as { resource?: unknown } | undefined)?.resource;
  return resource instanceof ApiObject && resource.kind === 'InferenceService' ? resource : undefined;
}

/** The `namespace/name` of the Services a target stands for (an InferenceService: the Service its routes reach). */
function serviceKeys(t: KongUpstreamTarget, object: ApiObject): string[] {
  const ns = object.metadata.namespace ?? Chart.of(object).namespace ?? '';
  if (object.kind === 'Service') return [`${ns}/${object.name}`];
  try {
    const ref = (t as InferenceService).backendRef;
    return [`${ref.namespace ?? ns}/${ref.name}`];
  } catch {
    return []; // Knative mode: no Service a route can reach
  }
}

/**
 * A Kong Ingress Controller `KongUpstreamPolicy`
 * (configuration.konghq.com/v1beta1): how Kong balances traffic across the
 * pods (targets) of the Services it is attached to: the algorithm, what
 * consistent hashing hashes, and active and passive health checks.
 *
 * It attaches to Services (or Standard-mode InferenceServices), not routes: {@link KongUpstreamPolicy.attachTo}
 * sets their `konghq.com/upstream-policy` annotation, so every Kong upstream
 * KIC makes for those Services (one per route rule) uses it. KIC ignores the
 * policy on a route rule whose backends do not all carry the same policy, so
 * such a rule is refused at synth.
 *
 * ```ts
 * const sticky = new KongUpstreamPolicy(models, 'sticky', { hashOn: KongHashOn.header('x-session-id'), hashOnFallback: KongHashOn.ip() });
 * sticky.attachTo(service);
 * ```
 *
 * @throws ModelServingError for `hashOn` without consistent hashing, a cookie
 *   hash with a fallback, a fallback equal to `hashOn`, slots outside 10-65536,
 *   sticky sessions (Kong Enterprise), counters outside 0-255, intervals and
 *   timeouts that are not whole seconds in 0-65535, active checks that never
 *   probe, passive checks that can mark targets down with no active check to
 *   bring them back, statuses outside 100-599, or credential probe headers
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/#kongupstreampolicy
 * @see https://developer.konghq.com/gateway/entities/upstream/
 */
export class KongUpstreamPolicy extends Construct {
  /** The policy attached to `target` with {@link KongUpstreamPolicy.attachTo}, if any. */
  public static of(target: KongUpstreamTarget): KongUpstreamPolicy | undefined {
    const object = targetObject(target);
    return object ? policies.get(object) : undefined;
  }

  /** `metadata.name`. */
  public readonly policyName: string;
  /** `metadata.namespace` (the chart's). */
  public readonly policyNamespace?: string;
  /** The L1 object. */
  public readonly resource: kong.KongUpstreamPolicy;
  private readonly serviceList: KongUpstreamTarget[] = [];

  public constructor(scope: Construct, id: string, props: KongUpstreamPolicyProps = {}) {
    checkProps(childPath(scope, id), props, 'KongUpstreamPolicyProps', true);
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.policyNamespace = Chart.of(this).namespace;
    const spec = this.renderSpec(props);
    this.resource = new kong.KongUpstreamPolicy(this, 'Resource', {
      metadata: { name: this.policyName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedRecord(this, 'annotations', props.annotations) },
      spec,
    });
    for (const s of props.services ?? []) this.attachTo(s);
    this.node.addValidation({ validate: () => this.checkRouteRules() });
  }

  /** The Services and InferenceServices attached so far. */
  public get services(): readonly KongUpstreamTarget[] {
    return [...this.serviceList];
  }

  /**
   * Applies the policy to Services: sets the `konghq.com/upstream-policy`
   * annotation of each to this policy's name. For an InferenceService
   * (Standard mode), the annotation goes on the InferenceService, and KServe
   * copies it to the Services it makes (`<name>-predictor`, `<name>-transformer`:
   * kserve v0.20.0 components/predictor.go buildObjectMeta, used as the Service's
   * metadata by reconcilers/service/service_reconciler.go).
   *
   * @throws ModelServingError for an object that is not a Service or an
   *   InferenceService, a Knative-mode InferenceService (Knative makes its
   *   Services without these annotations), a target in another namespace (KIC
   *   looks the policy up in the Service's namespace), or a target that
   *   already has another policy
   */
  public attachTo(...targets: KongUpstreamTarget[]): void {
    for (const t of targets) {
      const object = targetObject(t);
      if (object === undefined) {
        const shown = t instanceof ApiObject ? `${t.apiVersion} ${t.kind} ${t.name}` : ((t as IConstruct | undefined)?.node?.path ?? t);
        invalid(this, 'attachTo', 'takes core v1 Services or InferenceServices (KIC reads konghq.com/upstream-policy on Services only)', shown, 'pass the Service object (e.g. a KubeService) or the InferenceService behind the route backend');
      }
      const what = `${object.kind} '${object.name}'`;
      if (object.kind === 'InferenceService' && (t as InferenceService).deploymentMode !== 'Standard') {
        invalid(this, 'attachTo', `names ${what} in ${(t as InferenceService).deploymentMode} mode, whose Services Knative makes without the InferenceService's annotations`, object.name, 'use deploymentMode: DeploymentMode.STANDARD, or attach the policy to a Service you create');
      }
      const ns = object.metadata.namespace ?? Chart.of(object).namespace;
      if (ns !== this.policyNamespace) {
        invalid(this, 'attachTo', `names ${what} of namespace '${ns ?? '(none)'}', but KIC looks the policy up in the Service's namespace, not '${this.policyNamespace ?? '(none)'}'`, object.name, 'create the KongUpstreamPolicy in the namespace of the Service');
      }
      const other = policies.get(object);
      if (other === this) continue;
      if (other !== undefined) invalid(this, 'attachTo', `names ${what}, which already uses KongUpstreamPolicy '${other.policyName}' (one policy per Service)`, object.name, 'attach one policy per Service');
      const existing = annotationOf(object);
      if (existing !== undefined && existing !== this.policyName) {
        invalid(this, 'attachTo', `names ${what}, whose ${KONG_UPSTREAM_POLICY_ANNOTATION} annotation already names '${existing}'`, object.name, 'remove the annotation and attach the policy object instead');
      }
      object.metadata.addAnnotation(KONG_UPSTREAM_POLICY_ANNOTATION, this.policyName);
      policies.set(object, this);
      this.serviceList.push(t);
    }
  }

  /**
   * KIC applies a policy to a route rule only when every Service backend of
   * the rule carries the same policy; otherwise it ignores it
   * (KongUpstreamPolicy CRD description, kubernetes-configuration v1.5.3
   * api/configuration/v1beta1/kongupstreampolicy_types.go). Judged on the
   * routes, Services and InferenceServices of this app.
   */
  private checkRouteRules(): string[] {
    if (this.serviceList.length === 0) return [];
    /** Service `namespace/name` to the policy it carries (undefined: none), for every Service of the app whose annotations are known. */
    const known = new Map<string, string | undefined>();
    for (const c of this.node.root.node.findAll()) {
      const object = targetObject(c as KongUpstreamTarget);
      if (!object) continue;
      for (const key of serviceKeys(c as KongUpstreamTarget, object)) known.set(key, policies.get(object)?.policyName ?? annotationOf(object));
    }
    const errors: string[] = [];
    for (const route of this.node.root.node.findAll()) {
      const rules = routeRules(route);
      if (!rules) continue;
      const routeNs = Chart.of(route).namespace ?? '';
      rules.forEach((rule, i) => {
        const keys = rule
          .map((b) => b.backendRef)
          .filter((r) => (r.kind ?? 'Service') === 'Service' && (r.group ?? '') === '')
          .map((r) => `${r.namespace ?? routeNs}/${r.name}`);
        if (keys.length < 2 || !keys.some((k) => known.get(k) === this.policyName)) return;
        for (const k of keys) {
          if (!known.has(k)) continue;
          const theirs = known.get(k);
          if (theirs === this.policyName) continue;
          errors.push(
            errorMessage(
              this,
              'attachTo',
              `covers some backends of rule ${i} of ${route.node.path} but not Service '${k}' (${theirs === undefined ? 'no policy' : `policy '${theirs}'`}); KIC then ignores the policy for that rule`,
              k,
              'attach this policy to every Service (or InferenceService) of the rule',
            ),
          );
        }
      });
    }
    return errors;
  }

  private renderSpec(props: KongUpstreamPolicyProps): kong.KongUpstreamPolicySpec {
    const algorithm = props.algorithm ?? (props.hashOn ? 'consistent-hashing' : undefined);
    if (algorithm !== undefined && !ALGORITHMS.includes(algorithm)) {
      const enterprise = (algorithm as string) === 'sticky-sessions' ? ' (sticky-sessions is Kong Enterprise only; Kong OSS refuses it)' : '';
      invalid(this, 'spec.algorithm', `must be one of ${ALGORITHMS.join(', ')}${enterprise}`, algorithm, "use 'consistent-hashing' with hashOn: KongHashOn.cookie('session-id') for sticky clients");
    }
    const hashOn = props.hashOn;
    const fallback = props.hashOnFallback;
    for (const [field, h] of [['spec.hashOn', hashOn], ['spec.hashOnFallback', fallback]] as const) {
      if (h !== undefined && !(h instanceof KongHashOn)) invalid(this, field, 'must be made with KongHashOn', h, 'use e.g. KongHashOn.header(\'x-session-id\')');
    }
    if (hashOn && algorithm !== 'consistent-hashing') invalid(this, 'spec.hashOn', "needs algorithm 'consistent-hashing' (the CRD refuses it otherwise)", algorithm, "set algorithm: 'consistent-hashing', or drop hashOn");
    if (fallback) {
      // kong/db/schema/entities/upstreams.lua (Kong 3.9) entity_checks: a fallback needs a hash_on other than none
      // and cookie, must differ from hash_on, and header/query/capture fallbacks need another name.
      if (!hashOn) invalid(this, 'spec.hashOnFallback', 'needs hashOn (Kong refuses a fallback when hash_on is none)', fallback.spec, 'set hashOn too');
      if (hashOn.kind === 'cookie') invalid(this, 'spec.hashOnFallback', 'cannot be used with a cookie hashOn: Kong sets the cookie, so there is never anything to fall back from (the CRD refuses it)', fallback.spec, 'drop hashOnFallback');
      if (fallback.kongHashOn === hashOn.kongHashOn && (fallback.kind === 'input' || fallback.value === hashOn.value)) {
        invalid(this, 'spec.hashOnFallback', 'is the same as hashOn, so it would never find a value hashOn lacks (Kong refuses it)', fallback.spec, 'fall back on something else, e.g. KongHashOn.ip()');
      }
    }
    if (props.slots !== undefined && (!Number.isInteger(props.slots) || props.slots < 10 || props.slots > 65536)) {
      invalid(this, 'spec.slots', 'must be an integer from 10 to 65536 (CRD bounds)', props.slots, 'use e.g. 10000, Kong\'s default');
    }
    return {
      algorithm: algorithm as kong.KongUpstreamPolicySpecAlgorithm | undefined,
      hashOn: hashOn?.spec,
      hashOnFallback: fallback?.spec as kong.KongUpstreamPolicySpecHashOnFallback | undefined,
      slots: props.slots,
      healthchecks: props.healthchecks ? this.renderHealthChecks(props.healthchecks) : undefined,
    };
  }

  private renderHealthChecks(h: KongHealthChecks): kong.KongUpstreamPolicySpecHealthchecks {
    const at = 'spec.healthchecks';
    if (h.threshold !== undefined && (typeof h.threshold !== 'number' || !Number.isInteger(h.threshold) || h.threshold < 0 || h.threshold > 100)) {
      invalid(this, `${at}.threshold`, 'must be a whole percentage from 0 to 100', h.threshold, 'use e.g. 50');
    }
    const active = h.active ? this.renderActive(h.active) : undefined;
    const passive = h.passive ? this.renderPassive(h.passive) : undefined;
    const passiveTrips = (passive?.unhealthy?.httpFailures ?? 0) + (passive?.unhealthy?.tcpFailures ?? 0) + (passive?.unhealthy?.timeouts ?? 0) > 0;
    if (passiveTrips && !((active?.unhealthy?.interval ?? 0) > 0 && (active?.healthy?.successes ?? 0) > 0)) {
      // Kong re-enables a target that passive checks marked unhealthy only through active checks (or an Admin API call):
      // https://developer.konghq.com/gateway/traffic-control/health-checks-circuit-breakers/ (passive health checks)
      invalid(this, `${at}.passive.unhealthy`, 'can mark targets unhealthy, but no active check brings them back (Kong re-enables them only through active health checks or an Admin API call), so one bad minute would leave the upstream down', passive?.unhealthy, 'add active checks that probe unhealthy targets and count successes: active: { unhealthy: { interval: Duration.seconds(10) }, healthy: { successes: 2 } }');
    }
    return { active, passive, threshold: h.threshold };
  }

  private renderActive(a: KongActiveHealthCheck): kong.KongUpstreamPolicySpecHealthchecksActive {
    const at = 'spec.healthchecks.active';
    const type = this.checkType(`${at}.type`, a.type);
    if (a.httpPath !== undefined) {
      if (typeof a.httpPath !== 'string' || !a.httpPath.startsWith('/')) invalid(this, `${at}.httpPath`, 'must be an absolute path', a.httpPath, "use e.g. '/health'");
      assertSafePath(this, `${at}.httpPath`, a.httpPath, "use e.g. '/health'");
    }
    if (a.httpsSni !== undefined && !isDnsSubdomain(a.httpsSni)) invalid(this, `${at}.httpsSni`, 'must be a lower-case host name', a.httpsSni, 'use e.g. models.example.com');
    if (a.concurrency !== undefined && (!Number.isInteger(a.concurrency) || a.concurrency < 1 || a.concurrency > 2 ** 31)) invalid(this, `${at}.concurrency`, 'must be an integer of at least 1', a.concurrency, 'use e.g. 10');
    let headers: Record<string, string[]> | undefined;
    if (a.headers !== undefined) {
      headers = {};
      for (const [name, values] of Object.entries(checkedRecord(this, `${at}.headers`, a.headers as Record<string, readonly string[]>) ?? {})) {
        assertHttpHeaderName(this, `${at}.headers`, name);
        if (isCredentialHeader(name)) invalid(this, `${at}.headers.${name}`, 'would send a credential header with a literal committed to dist/', '<redacted>', 'probe an unauthenticated health path instead');
        if (!Array.isArray(values) || values.length === 0) invalid(this, `${at}.headers.${name}`, 'must be a non-empty list of values', values, "use e.g. ['kong']");
        values.forEach((v, i) => {
          assertHttpHeaderValue(this, `${at}.headers.${name}[${i}]`, v);
          refuseCredential(this, `${at}.headers.${name}[${i}]`, v, 'probe an unauthenticated health path instead', name);
        });
        headers[name] = [...values];
      }
    }
    const healthy = a.healthy
      ? { interval: this.seconds(`${at}.healthy.interval`, a.healthy.interval), successes: this.counter(`${at}.healthy.successes`, a.healthy.successes), httpStatuses: this.statuses(`${at}.healthy.httpStatuses`, a.healthy.httpStatuses) }
      : undefined;
    const unhealthy = a.unhealthy
      ? {
          interval: this.seconds(`${at}.unhealthy.interval`, a.unhealthy.interval),
          httpFailures: this.counter(`${at}.unhealthy.httpFailures`, a.unhealthy.httpFailures),
          tcpFailures: this.counter(`${at}.unhealthy.tcpFailures`, a.unhealthy.tcpFailures),
          timeouts: this.counter(`${at}.unhealthy.timeouts`, a.unhealthy.timeouts),
          httpStatuses: this.statuses(`${at}.unhealthy.httpStatuses`, a.unhealthy.httpStatuses),
        }
      : undefined;
    if ((healthy?.interval ?? 0) === 0 && (unhealthy?.interval ?? 0) === 0) {
      invalid(this, `${at}.healthy.interval`, 'and unhealthy.interval are both zero or unset, so Kong never runs an active probe (0 disables probing)', { healthy: healthy?.interval, unhealthy: unhealthy?.interval }, 'set healthy: { interval: Duration.seconds(5) } and/or unhealthy: { interval: Duration.seconds(10) }');
    }
    return {
      type,
      httpPath: a.httpPath,
      httpsSni: a.httpsSni,
      httpsVerifyCertificate: a.httpsVerifyCertificate,
      timeout: this.seconds(`${at}.timeout`, a.timeout),
      concurrency: a.concurrency,
      headers,
      healthy,
      unhealthy,
    };
  }

  private renderPassive(p: KongPassiveHealthCheck): kong.KongUpstreamPolicySpecHealthchecksPassive {
    const at = 'spec.healthchecks.passive';
    const healthy = p.healthy ? { successes: this.counter(`${at}.healthy.successes`, p.healthy.successes), httpStatuses: this.statuses(`${at}.healthy.httpStatuses`, p.healthy.httpStatuses) } : undefined;
    const unhealthy = p.unhealthy
      ? {
          httpFailures: this.counter(`${at}.unhealthy.httpFailures`, p.unhealthy.httpFailures),
          tcpFailures: this.counter(`${at}.unhealthy.tcpFailures`, p.unhealthy.tcpFailures),
          timeouts: this.counter(`${at}.unhealthy.timeouts`, p.unhealthy.timeouts),
          httpStatuses: this.statuses(`${at}.unhealthy.httpStatuses`, p.unhealthy.httpStatuses),
        }
      : undefined;
    return { type: this.checkType(`${at}.type`, p.type) as kong.KongUpstreamPolicySpecHealthchecksPassiveType | undefined, healthy, unhealthy };
  }

  private checkType(field: string, type: KongHealthCheckType | undefined): kong.KongUpstreamPolicySpecHealthchecksActiveType | undefined {
    const types: readonly string[] = ['http', 'https', 'tcp', 'grpc', 'grpcs'];
    if (type !== undefined && !types.includes(type)) invalid(this, field, `must be one of ${types.join(', ')}`, type, "use 'http'");
    return type as kong.KongUpstreamPolicySpecHealthchecksActiveType | undefined;
  }

  /** A Duration as whole seconds within Kong's 0-65535 (kong/db/schema/entities/upstreams.lua `seconds`). */
  private seconds(field: string, d: Duration | undefined): number | undefined {
    if (d === undefined) return undefined;
    if (!(d instanceof Duration)) invalid(this, field, 'must be a Duration', d, 'use e.g. Duration.seconds(5)');
    const s = d.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < 0 || s > MAX_SECONDS) invalid(this, field, `must be whole seconds from 0 to ${MAX_SECONDS}`, `${s}s`, 'use e.g. Duration.seconds(5)');
    return s;
  }

  /** A health counter within Kong's 0-255 (`one_byte_integer` of kong/db/schema/entities/upstreams.lua). */
  private counter(field: string, n: number | undefined): number | undefined {
    if (n === undefined) return undefined;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > BYTE) invalid(this, field, `must be an integer from 0 to ${BYTE}`, n, 'use e.g. 5');
    return n;
  }

  private statuses(field: string, list: readonly number[] | undefined): number[] | undefined {
    if (list === undefined) return undefined;
    if (!Array.isArray(list) || list.length === 0) invalid(this, field, 'must be a non-empty list of HTTP statuses', list, 'use e.g. [200, 302]');
    list.forEach((s, i) => {
      if (!Number.isInteger(s) || s < 100 || s > 599) invalid(this, `${field}[${i}]`, 'must be an HTTP status from 100 to 599 (CRD bounds)', s, 'use e.g. 200');
    });
    if (new Set(list).size !== list.length) invalid(this, field, 'lists a status twice', list, 'list each status once');
    return [...list];
  }
}

/** The backends of each rule of an HTTPRoute or GRPCRoute of this library, or undefined for any other construct. */
function routeRules(c: IConstruct): Array<ReadonlyArray<{ readonly backendRef: { readonly name: string; readonly namespace?: string; readonly kind?: string; readonly group?: string } }>> | undefined {
  const r = c as { readonly routeKind?: unknown; readonly rules?: unknown };
  if ((r.routeKind !== 'HTTPRoute' && r.routeKind !== 'GRPCRoute') || !Array.isArray(r.rules)) return undefined;
  return (r.rules as Array<{ readonly backends?: ReadonlyArray<unknown> }>).map((rule) =>
    (rule.backends ?? []).map((b) => ((b as { backend?: unknown }).backend ?? b) as { readonly backendRef: { readonly name: string } }),
  );
}

/** The `konghq.com/upstream-policy` annotation of a Service object, if set. */
function annotationOf(service: ApiObject): string | undefined {
  const annotations = (service.metadata.toJson() as { annotations?: Record<string, string> }).annotations;
  return annotations?.[KONG_UPSTREAM_POLICY_ANNOTATION];
}
