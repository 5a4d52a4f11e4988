import { Chart, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kgw from '../../../imports/kgateway-gateway.kgateway.dev';
import { errorMessage, invalid } from '../../core/errors';
import { isHttpHeaderName } from '../../core/http-header';
import { assertDnsSubdomain, isDnsSubdomain } from '../../core/names';
import { assertInteger, INT32_MAX } from '../../core/props';
import { ISecretReference } from '../../core/secret-ref';
import { sortRecord } from '../../core/sort-keys';
import { assertGatewayDuration, formatGatewayDuration } from '../../routing/duration';
import { GatewayExtensionType, IGatewayExtension } from './gateway-extension';
import { PolicyTarget } from './policy-target';
import { checkProps, childPath } from '../../core/prop-types';

/** `spec.jwtAuth`: exactly one of `extension`, `disable`. */
export interface TrafficPolicyJwtAuth {
  /** `extensionRef`: a JWT GatewayExtension with the providers. @default - none */
  readonly extension?: IGatewayExtension;
  /** `disable: {}`: turn off JWT filters set at a higher level (e.g. the Gateway). @default false */
  readonly disable?: boolean;
}

/** One place an API key is read from (`apiKeyAuth.keySources[]`); within one source, header wins over query, query over cookie. */
export interface ApiKeySource {
  /** `header`. A `Bearer ` prefix in the value is stripped. @default - none */
  readonly header?: string;
  /** `query`: a query parameter. @default - none */
  readonly query?: string;
  /** `cookie`. @default - none */
  readonly cookie?: string;
}

/**
 * `spec.apiKeyAuth`: exactly one of `secretRef`, `secretSelector`, `disable`.
 * Each data entry of the selected Secrets is one key: the entry name is the
 * client id, the value the key.
 */
export interface TrafficPolicyApiKeyAuth {
  /** `secretRef`: one Secret holding the keys. @default - none */
  readonly secretRef?: ISecretReference;
  /** `secretSelector.matchLabels`: every Secret of the policy's namespace with these labels. @default - none */
  readonly secretSelector?: Record<string, string>;
  /** `disable: {}`: turn off API key auth set at a higher level. @default false */
  readonly disable?: boolean;
  /** `keySources` (at most 16, tried in order). @default - the `api-key` header */
  readonly keySources?: readonly ApiKeySource[];
  /** `clientIdHeader`: request header set (overwritten) to the authenticated client id. @default - not forwarded */
  readonly clientIdHeader?: string;
  /** `forwardCredential`: keep the key in the upstream request. @default false */
  readonly forwardCredential?: boolean;
}

/** What an RBAC policy does with matching requests (`rbac.action`). */
export enum RbacAction {
  /** Only matching requests pass; the others get 403. */
  ALLOW = 'Allow',
  /** Matching requests get 403; the others pass. */
  DENY = 'Deny',
}

/**
 * `spec.rbac`: CEL expressions (ORed) over Envoy's request attributes, e.g.
 * `request.headers['x-user-id']`, `request.method`, `request.url_path`, and
 * the verified JWT payload
 * `metadata.filter_metadata['envoy.filters.http.jwt_authn']['payload']['role']`.
 * An expression that fails to evaluate (a missing claim) does not match.
 * Not cumulative across attachment points: the most specific policy wins.
 *
 * @see https://kgateway.dev/docs/envoy/main/security/jwt/claim-based-rbac/
 */
export interface TrafficPolicyRbac {
  /** `action`. @default RbacAction.ALLOW */
  readonly action?: RbacAction;
  /** `policy.matchExpressions`: 1 to 256 CEL expressions. */
  readonly matchExpressions: readonly string[];
}

/** `spec.extAuth`: exactly one of `extension`, `disable`. */
export interface TrafficPolicyExtAuth {
  /** `extensionRef`: an ExtAuth GatewayExtension. @default - none */
  readonly extension?: IGatewayExtension;
  /** `disable: {}`: turn off external auth set at a higher level. @default false */
  readonly disable?: boolean;
  /** `contextExtensions`: extra context sent to the authorization service. @default - none */
  readonly contextExtensions?: Record<string, string>;
  /** `withRequestBody.maxRequestBytes`: send up to this many body bytes (larger requests get 413). @default - body not sent */
  readonly maxRequestBytes?: number;
}

/**
 * One entry of a global rate-limit descriptor: where one descriptor key and
 * value come from. A request without the header of a `header` entry sends
 * no descriptor, so it is not limited.
 *
 * @see https://kgateway.dev/docs/envoy/main/security/ratelimit/global/
 */
export class RateLimitDescriptorEntry {
  /** A static key and value (`type: Generic`). */
  public static generic(key: string, value: string): RateLimitDescriptorEntry {
    return new RateLimitDescriptorEntry({ type: kgw.TrafficPolicySpecRateLimitGlobalDescriptorsEntriesType.GENERIC, generic: { key, value } });
  }

  /** The value of request header `name`, under the key `name` (`type: Header`). */
  public static header(name: string): RateLimitDescriptorEntry {
    return new RateLimitDescriptorEntry({ type: kgw.TrafficPolicySpecRateLimitGlobalDescriptorsEntriesType.HEADER, header: name });
  }

  /** The client address, under the key `remote_address` (`type: RemoteAddress`). */
  public static remoteAddress(): RateLimitDescriptorEntry {
    return new RateLimitDescriptorEntry({ type: kgw.TrafficPolicySpecRateLimitGlobalDescriptorsEntriesType.REMOTE_ADDRESS });
  }

  /** The request path, under the key `path` (`type: Path`). */
  public static path(): RateLimitDescriptorEntry {
    return new RateLimitDescriptorEntry({ type: kgw.TrafficPolicySpecRateLimitGlobalDescriptorsEntriesType.PATH });
  }

  private constructor(
    /** The rendered entry. */
    public readonly spec: kgw.TrafficPolicySpecRateLimitGlobalDescriptorsEntries,
  ) {}

  /** The descriptor key the rate-limit service sees. */
  public get key(): string {
    return this.spec.generic?.key ?? this.spec.header ?? (this.spec.type === kgw.TrafficPolicySpecRateLimitGlobalDescriptorsEntriesType.PATH ? 'path' : 'remote_address');
  }
}

/** `rateLimit.local.tokenBucket`: one bucket per proxy replica for all requests the policy covers. */
export interface LocalTokenBucket {
  /** `maxTokens`: the burst size, at least 1. */
  readonly maxTokens: number;
  /** `tokensPerFill`. @default 1 */
  readonly tokensPerFill?: number;
  /** `fillInterval`, at least 50 ms. */
  readonly fillInterval: Duration;
}

/** `spec.rateLimit`. */
export interface TrafficPolicyRateLimit {
  /** `local`: a token bucket kept by each proxy replica, shared by every caller. @default - none */
  readonly local?: { readonly tokenBucket: LocalTokenBucket; readonly percentEnabled?: number; readonly percentEnforced?: number };
  /**
   * `global`: descriptors sent to the rate-limit service of a RateLimit
   * GatewayExtension. kgateway sends the entries of all descriptors of one
   * policy as a single descriptor, so use one descriptor per policy.
   * @default - none
   */
  readonly global?: { readonly extension: IGatewayExtension; readonly descriptors: ReadonlyArray<readonly RateLimitDescriptorEntry[]> };
}

/** Header changes (`headerModifiers.request` / `.response`). */
export interface HeaderModifier {
  /** `add`: append values. @default - none */
  readonly add?: Record<string, string>;
  /** `set`: overwrite values. @default - none */
  readonly set?: Record<string, string>;
  /** `remove`: header names. @default - none */
  readonly remove?: readonly string[];
}

/** Props of {@link TrafficPolicy}. */
export interface TrafficPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRefs` (1 to 16, in the policy's namespace); more with {@link TrafficPolicy.addTarget}. @default - none */
  readonly targets?: readonly PolicyTarget[];
  /** `spec.jwtAuth`. @default - none */
  readonly jwtAuth?: TrafficPolicyJwtAuth;
  /** `spec.apiKeyAuth`. @default - none */
  readonly apiKeyAuth?: TrafficPolicyApiKeyAuth;
  /** `spec.rbac`. @default - none */
  readonly rbac?: TrafficPolicyRbac;
  /** `spec.extAuth`. @default - none */
  readonly extAuth?: TrafficPolicyExtAuth;
  /** `spec.rateLimit`. @default - none */
  readonly rateLimit?: TrafficPolicyRateLimit;
  /** `spec.headerModifiers` (applied at the route stage, after authentication and rate limiting). @default - none */
  readonly headerModifiers?: { readonly request?: HeaderModifier; readonly response?: HeaderModifier };
}

/**
 * kgateway's `TrafficPolicy` (gateway.kgateway.dev/v1alpha1): the access
 * and traffic settings of a Gateway, listener, HTTPRoute or route rule.
 * This construct covers the access sections: JWT and API-key
 * authentication, RBAC, external authorization, local and global rate
 * limits, and header modifiers.
 *
 * Envoy runs them in stages: authentication (API key, external auth, JWT,
 * ordered by filter name within the stage), then RBAC, then rate limits.
 * Policies attached to the same object merge field by field; the more
 * specific attachment wins.
 *
 * @see https://kgateway.dev/docs/envoy/main/about/policies/trafficpolicy/
 */
export class TrafficPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** The L1 object. */
  public readonly resource: kgw.TrafficPolicy;
  private readonly targets = new Map<string, PolicyTarget>();
  private readonly namespace?: string;

  public constructor(scope: Construct, id: string, props: TrafficPolicyProps = {}) {
    checkProps(childPath(scope, id), props, 'TrafficPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.namespace = Chart.of(this).namespace;
    const spec: kgw.TrafficPolicySpec = {
      jwtAuth: props.jwtAuth && this.renderJwtAuth(props.jwtAuth),
      apiKeyAuth: props.apiKeyAuth && this.renderApiKeyAuth(props.apiKeyAuth),
      rbac: props.rbac && this.renderRbac(props.rbac),
      extAuth: props.extAuth && this.renderExtAuth(props.extAuth),
      rateLimit: props.rateLimit && this.renderRateLimit(props.rateLimit),
      headerModifiers: props.headerModifiers && {
        request: props.headerModifiers.request && this.renderHeaders('headerModifiers.request', props.headerModifiers.request),
        response: props.headerModifiers.response && this.renderHeaders('headerModifiers.response', props.headerModifiers.response),
      },
    };
    if (props.headerModifiers && !props.headerModifiers.request && !props.headerModifiers.response) {
      invalid(this, 'headerModifiers', 'must set request or response', props.headerModifiers, 'omit headerModifiers, or pass request: { remove: [...] }');
    }
    this.resource = new kgw.TrafficPolicy(this, 'Resource', {
      metadata: { name: this.policyName },
      spec: Lazy.any({ produce: (): kgw.TrafficPolicySpec => ({ ...spec, targetRefs: [...this.targets.values()].map((t) => ({ ...t.ref })) }) }) as unknown as kgw.TrafficPolicySpec,
    });
    for (const t of props.targets ?? []) this.addTarget(t);
    this.node.addValidation({ validate: () => (this.targets.size === 0 ? [errorMessage(this, 'spec.targetRefs', 'is empty', [], 'pass targets: [PolicyTarget.httpRoute(route)] or call addTarget().')] : []) });
  }

  /**
   * Attaches the policy to one more object (`spec.targetRefs[]`).
   *
   * @throws ModelServingError for a target in another namespace, an unsupported kind, a duplicate, or more than 16 targets
   * @returns the target
   */
  public addTarget(target: PolicyTarget): PolicyTarget {
    if (!(target instanceof PolicyTarget)) {
      invalid(
        this,
        'targetRefs',
        typeof target === 'string' ? 'takes a PolicyTarget, not a name' : 'takes a PolicyTarget',
        target,
        'pass PolicyTarget.httpRoute(route) or PolicyTarget.gateway(gateway); for an object defined elsewhere, import it: PolicyTarget.of(HttpRoute.fromRouteName(scope, id, name)) or PolicyTarget.of(Gateway.fromGatewayName(scope, id, name))',
      );
    }
    const key = `${target.ref.kind}/${target.ref.name}/${target.ref.sectionName ?? ''}`;
    const field = `targetRefs[${key}]`;
    target.check(this, field, this.namespace);
    if (this.targets.has(key)) invalid(this, field, 'is already a target of this policy', key, 'list each target once');
    if (this.targets.size >= 16) invalid(this, 'targetRefs', 'can hold at most 16 targets', this.targets.size + 1, 'split the targets across policies');
    this.targets.set(key, target);
    return target;
  }

  private renderJwtAuth(j: TrafficPolicyJwtAuth): kgw.TrafficPolicySpecJwtAuth {
    exactlyOne(this, 'jwtAuth', { extension: j.extension, disable: j.disable || undefined });
    if (j.extension) return { extensionRef: this.extensionRef('jwtAuth.extensionRef', j.extension, GatewayExtensionType.JWT) };
    return { disable: {} };
  }

  private renderApiKeyAuth(a: TrafficPolicyApiKeyAuth): kgw.TrafficPolicySpecApiKeyAuth {
    exactlyOne(this, 'apiKeyAuth', { secretRef: a.secretRef, secretSelector: a.secretSelector, disable: a.disable || undefined });
    if (a.disable) return { disable: {} };
    if (a.secretSelector !== undefined && Object.keys(a.secretSelector).length === 0) invalid(this, 'apiKeyAuth.secretSelector', 'must have at least one label (an empty selector would select every Secret of the namespace)', a.secretSelector, "select the key Secrets by a dedicated label, e.g. { 'models.cdk8s.io/api-key': 'my-policy' }");
    if (a.secretRef) assertDnsSubdomain(this, 'apiKeyAuth.secretRef.name', a.secretRef.secretName);
    const sources = a.keySources ?? [];
    if (sources.length > 16) invalid(this, 'apiKeyAuth.keySources', 'can hold at most 16 sources', sources.length, 'read the key from fewer places');
    sources.forEach((s, i) => {
      const given = [s.header, s.query, s.cookie].filter((x) => x !== undefined);
      if (given.length === 0) invalid(this, `apiKeyAuth.keySources[${i}]`, 'must set at least one of header, query, cookie', s, "use { header: 'x-api-key' }");
      for (const v of given) if (v.length < 1 || v.length > 256) invalid(this, `apiKeyAuth.keySources[${i}]`, 'names must be 1 to 256 characters', v, 'use a short header name');
    });
    if (a.clientIdHeader !== undefined && !isHttpHeaderName(a.clientIdHeader)) invalid(this, 'apiKeyAuth.clientIdHeader', 'must be a header name', a.clientIdHeader, 'use e.g. x-user-id');
    return {
      secretRef: a.secretRef && { name: a.secretRef.secretName, namespace: a.secretRef.namespace !== undefined && a.secretRef.namespace !== this.namespace ? a.secretRef.namespace : undefined },
      secretSelector: a.secretSelector && { matchLabels: sortRecord(a.secretSelector) },
      keySources: a.keySources?.map((s) => ({ header: s.header, query: s.query, cookie: s.cookie })),
      clientIdHeader: a.clientIdHeader,
      forwardCredential: a.forwardCredential,
    };
  }

  private renderRbac(r: TrafficPolicyRbac): kgw.TrafficPolicySpecRbac {
    const exprs = r.matchExpressions ?? [];
    if (exprs.length < 1 || exprs.length > 256) invalid(this, 'rbac.policy.matchExpressions', 'must hold 1 to 256 CEL expressions', exprs.length, "use 'false' to deny every request");
    exprs.forEach((e, i) => {
      if (typeof e !== 'string' || e.trim().length === 0 || e.length > 16384) invalid(this, `rbac.policy.matchExpressions[${i}]`, 'must be a CEL expression of 1 to 16384 characters', e, "write e.g. \"request.headers['x-user-id'] == 'alice'\"");
    });
    return {
      action: (r.action ?? RbacAction.ALLOW) === RbacAction.ALLOW ? kgw.TrafficPolicySpecRbacAction.ALLOW : kgw.TrafficPolicySpecRbacAction.DENY,
      policy: { matchExpressions: [...exprs] },
    };
  }

  private renderExtAuth(e: TrafficPolicyExtAuth): kgw.TrafficPolicySpecExtAuth {
    exactlyOne(this, 'extAuth', { extension: e.extension, disable: e.disable || undefined });
    if (e.disable) return { disable: {} };
    if (e.maxRequestBytes !== undefined && (!Number.isInteger(e.maxRequestBytes) || e.maxRequestBytes < 1)) invalid(this, 'extAuth.withRequestBody.maxRequestBytes', 'must be a positive integer', e.maxRequestBytes, 'use e.g. 8192');
    return {
      extensionRef: this.extensionRef('extAuth.extensionRef', e.extension!, GatewayExtensionType.EXT_AUTH),
      contextExtensions: e.contextExtensions && sortRecord(e.contextExtensions),
      withRequestBody: e.maxRequestBytes !== undefined ? { maxRequestBytes: e.maxRequestBytes } : undefined,
    };
  }

  private renderRateLimit(r: TrafficPolicyRateLimit): kgw.TrafficPolicySpecRateLimit {
    if (!r.local && !r.global) invalid(this, 'rateLimit', 'must set local or global', r, 'omit rateLimit, or pass global: { extension, descriptors }');
    let local: kgw.TrafficPolicySpecRateLimitLocal | undefined;
    if (r.local) {
      const b = r.local.tokenBucket;
      if (!Number.isInteger(b.maxTokens) || b.maxTokens < 1) invalid(this, 'rateLimit.local.tokenBucket.maxTokens', 'must be an integer >= 1', b.maxTokens, 'use the burst size, e.g. 100');
      if (b.tokensPerFill !== undefined && (!Number.isInteger(b.tokensPerFill) || b.tokensPerFill < 1)) invalid(this, 'rateLimit.local.tokenBucket.tokensPerFill', 'must be an integer >= 1', b.tokensPerFill, 'use e.g. 100');
      // maxTokens, tokensPerFill: int32 in the TrafficPolicy CRD (spec.rateLimit.local.tokenBucket, format int32).
      assertInteger(this, 'rateLimit.local.tokenBucket.maxTokens', b.maxTokens, { min: 1, max: INT32_MAX, type: 'int32', fix: 'use the burst size, e.g. 100' });
      if (b.tokensPerFill !== undefined) assertInteger(this, 'rateLimit.local.tokenBucket.tokensPerFill', b.tokensPerFill, { min: 1, max: INT32_MAX, type: 'int32', fix: 'use e.g. 100' });
      if (b.fillInterval.toMilliseconds() < 50) invalid(this, 'rateLimit.local.tokenBucket.fillInterval', 'must be at least 50ms', formatGatewayDuration(b.fillInterval), 'use e.g. Duration.seconds(1)');
      for (const k of ['percentEnabled', 'percentEnforced'] as const) {
        const v = r.local[k];
        if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 100)) invalid(this, `rateLimit.local.${k}`, 'must be an integer between 0 and 100', v, 'use 100');
      }
      local = {
        tokenBucket: { maxTokens: b.maxTokens, tokensPerFill: b.tokensPerFill, fillInterval: assertGatewayDuration(this, 'rateLimit.local.tokenBucket.fillInterval', b.fillInterval) },
        percentEnabled: r.local.percentEnabled,
        percentEnforced: r.local.percentEnforced,
      };
    }
    let global: kgw.TrafficPolicySpecRateLimitGlobal | undefined;
    if (r.global) {
      const ds = r.global.descriptors;
      if (ds.length < 1) invalid(this, 'rateLimit.global.descriptors', 'must hold at least one descriptor', 0, 'pass descriptors: [[RateLimitDescriptorEntry.header("x-user-id")]]');
      ds.forEach((d, i) => {
        if (d.length < 1) invalid(this, `rateLimit.global.descriptors[${i}].entries`, 'must hold at least one entry', 0, 'add an entry such as RateLimitDescriptorEntry.remoteAddress()');
        d.forEach((e, j) => {
          if (e.spec.header !== undefined && !isHttpHeaderName(e.spec.header)) invalid(this, `rateLimit.global.descriptors[${i}].entries[${j}].header`, 'must be a header name', e.spec.header, 'use e.g. x-user-id');
          if (e.spec.generic && (!e.spec.generic.key || !e.spec.generic.value)) invalid(this, `rateLimit.global.descriptors[${i}].entries[${j}].generic`, 'needs a non-empty key and value', e.spec.generic, "use RateLimitDescriptorEntry.generic('route', 'iris')");
        });
      });
      global = {
        extensionRef: this.extensionRef('rateLimit.global.extensionRef', r.global.extension, GatewayExtensionType.RATE_LIMIT),
        descriptors: ds.map((d) => ({ entries: d.map((e) => ({ ...e.spec })) })),
      };
    }
    return { local, global };
  }

  private renderHeaders(field: string, m: HeaderModifier): kgw.TrafficPolicySpecHeaderModifiersRequest {
    const names = [...Object.keys(m.add ?? {}), ...Object.keys(m.set ?? {}), ...(m.remove ?? [])];
    for (const n of names) if (!isHttpHeaderName(n) || n.length > 256) invalid(this, field, 'contains an invalid header name', n, 'use RFC 7230 token characters, e.g. x-user-id');
    const list = (r: Record<string, string> | undefined) => (r && Object.keys(r).length > 0 ? Object.keys(r).sort().map((name) => ({ name, value: r[name] })) : undefined);
    return { add: list(m.add), set: list(m.set), remove: m.remove && m.remove.length > 0 ? [...new Set(m.remove.map((x) => x.toLowerCase()))].sort() : undefined };
  }

  private extensionRef(field: string, ext: IGatewayExtension, type: GatewayExtensionType): { name: string; namespace?: string } {
    if (ext.extensionType !== type) invalid(this, field, `must point at a ${type} GatewayExtension`, `${ext.extensionType}/${ext.extensionName}`, `create the GatewayExtension with the ${type} section`);
    if (!isDnsSubdomain(ext.extensionName)) invalid(this, `${field}.name`, 'must be a DNS-1123 subdomain', ext.extensionName, 'use the GatewayExtension metadata.name');
    return { name: ext.extensionName, namespace: ext.extensionNamespace !== undefined && ext.extensionNamespace !== this.namespace ? ext.extensionNamespace : undefined };
  }
}

function exactlyOne(scope: Construct, field: string, options: Record<string, unknown>): void {
  const given = Object.keys(options).filter((k) => options[k] !== undefined);
  if (given.length !== 1) invalid(scope, field, `must set exactly one of ${Object.keys(options).join(', ')}`, given, `pass only one of ${Object.keys(options).join(', ')}`);
}
