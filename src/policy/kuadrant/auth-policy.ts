import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kuadrant from '../../../imports/kuadrant-kuadrant.io';
import { refuseCredential } from '../../core/credential-refusal';
import { errorMessage, invalid } from '../../core/errors';
import { assertDnsSubdomain, checkedAnnotations } from '../../core/names';
import { checkedRecord, checkRecordKeysDeep } from '../../core/records';
import { sortRecord } from '../../core/sort-keys';
import { checkPredicates, renderPredicates } from './limit';
import { PolicyTarget, TARGET_FIX, TargetReference } from './policy-target';
import { MergeStrategy, Precedence } from './precedence';
import { checkProps, childPath, requireWith } from '../../core/prop-types';

/**
 * An authentication rule (`rules.authentication.<name>`): exactly one
 * method (`apiKey`, `jwt`, `oauth2Introspection`, `kubernetesTokenReview`,
 * `x509`, `plain`, `anonymous`), where the credential is (`credentials`),
 * and identity extensions (`defaults`, `overrides`).
 *
 * @see https://docs.kuadrant.io/latest/authorino/docs/features/#identity-verification-authentication-features-authentication
 */
export type AuthenticationRule = kuadrant.AuthPolicySpecRulesAuthentication;
/** A metadata rule (`rules.metadata.<name>`): exactly one of `http`, `userInfo`, `uma`. */
export type MetadataRule = kuadrant.AuthPolicySpecRulesMetadata;
/** An authorization rule (`rules.authorization.<name>`): exactly one of `patternMatching`, `opa`, `kubernetesSubjectAccessReview`, `spicedb`. */
export type AuthorizationRule = kuadrant.AuthPolicySpecRulesAuthorization;
/** A callback (`rules.callbacks.<name>`): an HTTP request sent after the auth pipeline. */
export type CallbackRule = kuadrant.AuthPolicySpecRulesCallbacks;
/** A header added to the request sent upstream (`rules.response.success.headers.<name>`): exactly one of `plain`, `json`, `wristband`. */
export type SuccessHeader = kuadrant.AuthPolicySpecRulesResponseSuccessHeaders;
/** Dynamic metadata for the gateway's other filters (`rules.response.success.filters.<name>`), e.g. `auth.identity.*` for rate limits. */
export type SuccessFilter = kuadrant.AuthPolicySpecRulesResponseSuccessFilters;
/** A custom denial (`rules.response.unauthenticated` / `unauthorized`): `code` (300-599), `headers`, `message`, `body`. */
export type DenialResponse = kuadrant.AuthPolicySpecRulesResponseUnauthenticated;
/** A named set of patterns (`patterns.<name>.allOf`), referable from `when` and pattern-matching rules. */
export type NamedPattern = kuadrant.AuthPolicySpecPatterns;

/** Props of {@link AuthPolicy}. */
export interface AuthPolicyProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `spec.targetRef`: a Gateway (or listener), HTTPRoute or GRPCRoute in the policy's namespace. */
  readonly target: PolicyTarget;
  /** Whether the rules are implicit defaults, explicit `defaults` or `overrides`. @default Precedence.IMPLICIT_DEFAULTS */
  readonly precedence?: Precedence;
  /** `rules.authentication`: any one must yield an identity (else 401). More with `addAuthentication()`. @default - none (anonymous) */
  readonly authentication?: Readonly<Record<string, AuthenticationRule>>;
  /** `rules.metadata`: external data fetched after authentication. @default - none */
  readonly metadata?: Readonly<Record<string, MetadataRule>>;
  /** `rules.authorization`: all must allow (else 403). @default - none */
  readonly authorization?: Readonly<Record<string, AuthorizationRule>>;
  /** `rules.callbacks`: HTTP calls after the pipeline. @default - none */
  readonly callbacks?: Readonly<Record<string, CallbackRule>>;
  /** `rules.response.success.headers`: headers added to the request sent upstream. @default - none */
  readonly successHeaders?: Readonly<Record<string, SuccessHeader>>;
  /** `rules.response.success.filters`: dynamic metadata for the gateway (what RateLimitPolicies read as `auth.<name>.*`). @default - none */
  readonly successFilters?: Readonly<Record<string, SuccessFilter>>;
  /** `rules.response.unauthenticated`: the 401 response. @default - Authorino's (401 with `WWW-Authenticate`) */
  readonly unauthenticated?: DenialResponse;
  /** `rules.response.unauthorized`: the 403 response. @default - Authorino's (403) */
  readonly unauthorized?: DenialResponse;
  /** `patterns`: named pattern sets. @default - none */
  readonly patterns?: Readonly<Record<string, NamedPattern>>;
  /** `when[].predicate`: CEL predicates that must all hold for the policy to apply. @default - every request of the target */
  readonly when?: readonly string[];
  /** `metadata.labels`. @default - the platform labels only */
  readonly labels?: Record<string, string>;
  /** `metadata.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

const AUTHN_METHODS = ['apiKey', 'jwt', 'oauth2Introspection', 'kubernetesTokenReview', 'x509', 'plain', 'anonymous'] as const;
const AUTHZ_METHODS = ['patternMatching', 'opa', 'kubernetesSubjectAccessReview', 'spicedb'] as const;
const METADATA_METHODS = ['http', 'userInfo', 'uma'] as const;
const SUCCESS_METHODS = ['plain', 'json', 'wristband'] as const;
const CREDENTIAL_LOCATIONS = ['authorizationHeader', 'customHeader', 'queryString', 'cookie'] as const;

interface RenderedRules {
  readonly authentication?: Record<string, AuthenticationRule>;
  readonly metadata?: Record<string, MetadataRule>;
  readonly authorization?: Record<string, AuthorizationRule>;
  readonly callbacks?: Record<string, CallbackRule>;
  readonly response?: {
    readonly success?: { readonly headers?: Record<string, SuccessHeader>; readonly filters?: Record<string, SuccessFilter> };
    readonly unauthenticated?: DenialResponse;
    readonly unauthorized?: DenialResponse;
  };
}

interface RenderedBlock {
  readonly rules?: RenderedRules;
  readonly patterns?: Record<string, NamedPattern>;
  readonly when?: Array<{ readonly predicate: string }>;
  readonly strategy?: MergeStrategy;
}

interface RenderedSpec extends Omit<RenderedBlock, 'strategy'> {
  readonly targetRef: TargetReference;
  readonly defaults?: RenderedBlock;
  readonly overrides?: RenderedBlock;
}

/**
 * Kuadrant's `AuthPolicy` (kuadrant.io/v1): authentication and
 * authorization, enforced by Authorino, for a Gateway, an HTTPRoute or a
 * GRPCRoute. The rules are Authorino's AuthConfig rules: a request needs an
 * identity from one authentication rule (else 401), then every
 * authorization rule must allow (else 403); success responses can add
 * headers upstream and publish metadata (`filters`) that RateLimitPolicies
 * read as `auth.<filter>.<property>`.
 *
 * ```ts
 * const auth = new AuthPolicy(ns, 'toystore', { target: PolicyTarget.route(route) });
 * auth.addAuthentication('api-key', {
 *   apiKey: { selector: { matchLabels: { app: 'toystore' } } },
 *   credentials: { authorizationHeader: { prefix: 'APIKEY' } },
 * });
 * ```
 *
 * @see https://docs.kuadrant.io/latest/kuadrant-operator/doc/reference/authpolicy/
 */
export class AuthPolicy extends Construct {
  /** `metadata.name`. */
  public readonly policyName: string;
  /** `spec.targetRef`. */
  public readonly target: PolicyTarget;
  /** The precedence block the rules render in. */
  public readonly precedence: Precedence;
  /** The L1 object. */
  public readonly resource: kuadrant.AuthPolicy;
  private readonly authentication = new Map<string, AuthenticationRule>();
  private readonly metadataRules = new Map<string, MetadataRule>();
  private readonly authorization = new Map<string, AuthorizationRule>();
  private readonly callbacks = new Map<string, CallbackRule>();
  private readonly successHeaders = new Map<string, SuccessHeader>();
  private readonly successFilters = new Map<string, SuccessFilter>();
  private readonly patterns = new Map<string, NamedPattern>();
  private readonly predicates: readonly string[];
  private readonly unauthenticated?: DenialResponse;
  private readonly unauthorized?: DenialResponse;

  public constructor(scope: Construct, id: string, props: AuthPolicyProps) {
    checkProps(childPath(scope, id), props, 'AuthPolicyProps');
    super(scope, id);
    this.policyName = assertDnsSubdomain(this, 'name', props.name ?? id);
    requireWith(this, 'target', props.target, 'check', 'a PolicyTarget', TARGET_FIX);
    props.target.check(this, ['Gateway', 'HTTPRoute', 'GRPCRoute'], Chart.of(this).namespace);
    this.target = props.target;
    this.precedence = props.precedence ?? Precedence.IMPLICIT_DEFAULTS;
    checkPredicates(this, 'when', props.when);
    this.predicates = [...(props.when ?? [])];
    this.unauthenticated = props.unauthenticated && this.checkDenial('rules.response.unauthenticated', props.unauthenticated);
    this.unauthorized = props.unauthorized && this.checkDenial('rules.response.unauthorized', props.unauthorized);

    this.resource = new kuadrant.AuthPolicy(this, 'Resource', {
      metadata: { name: this.policyName, labels: checkedRecord(this, 'labels', props.labels), annotations: checkedAnnotations(this, props.annotations) },
      spec: Lazy.any({ produce: (): RenderedSpec => this.renderSpec() }) as unknown as kuadrant.AuthPolicySpec,
    });

    for (const [n, r] of Object.entries(props.authentication ?? {})) this.addAuthentication(n, r);
    for (const [n, r] of Object.entries(props.metadata ?? {})) this.addMetadata(n, r);
    for (const [n, r] of Object.entries(props.authorization ?? {})) this.addAuthorization(n, r);
    for (const [n, r] of Object.entries(props.callbacks ?? {})) this.addCallback(n, r);
    for (const [n, r] of Object.entries(props.successHeaders ?? {})) this.addSuccessHeader(n, r);
    for (const [n, r] of Object.entries(props.successFilters ?? {})) this.addSuccessFilter(n, r);
    for (const [n, p] of Object.entries(props.patterns ?? {})) this.addPattern(n, p);

    this.node.addValidation({
      validate: () => {
        const any = this.authentication.size + this.metadataRules.size + this.authorization.size + this.callbacks.size + this.successHeaders.size + this.successFilters.size;
        return any === 0 && !this.unauthenticated && !this.unauthorized
          ? [errorMessage(this, 'spec.rules', 'must define at least one rule (authentication, metadata, authorization, response or callbacks)', {}, 'call addAuthentication() or addAuthorization().')]
          : [];
      },
    });
  }

  /**
   * Adds authentication rule `name`.
   *
   * @throws ModelServingError for a duplicate name, not exactly one method, two credential locations, an empty API-key selector, a JWT rule without exactly one https `issuerUrl`/`jwksUrl`, or an X.509 rule with two sources
   * @returns the rule
   */
  public addAuthentication(name: string, rule: AuthenticationRule): AuthenticationRule {
    const field = this.key(this.authentication, 'rules.authentication', name, rule);
    exactlyOne(this, field, rule, AUTHN_METHODS);
    const locations = CREDENTIAL_LOCATIONS.filter((k) => rule.credentials?.[k] !== undefined);
    if (locations.length > 1) invalid(this, `${field}.credentials`, 'names more than one location', locations, 'keep one of authorizationHeader, customHeader, queryString, cookie');
    if (rule.apiKey) {
      const s = rule.apiKey.selector;
      if (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0) {
        invalid(this, `${field}.apiKey.selector`, 'is empty: every Secret Authorino watches would be an API key', s, 'select the key Secrets by labels, e.g. { matchLabels: { app: "toystore" } }');
      }
    }
    if (rule.jwt) {
      const urls = [rule.jwt.issuerUrl, rule.jwt.jwksUrl].filter((u) => u !== undefined && u !== '');
      if (urls.length !== 1) invalid(this, `${field}.jwt`, 'needs exactly one of issuerUrl, jwksUrl', rule.jwt, 'give the issuer (OpenID discovery) or the JWKS URL');
      if (!/^https:\/\/\S+$/.test(urls[0]!)) invalid(this, `${field}.jwt`, 'must fetch keys over https (keys fetched over plain HTTP can be forged)', urls[0], 'serve the issuer or JWKS over https');
      refuseCredential(this, `${field}.jwt.${rule.jwt.jwksUrl ? 'jwksUrl' : 'issuerUrl'}`, urls[0], 'an issuer or JWKS URL serves public keys: give it without user info or token query parameters');
    }
    const source = rule.x509?.source;
    if (source && [source.xfccHeader, source.clientCertHeader, source.expression].filter((x) => x !== undefined).length > 1) {
      invalid(this, `${field}.x509.source`, 'needs at most one of xfccHeader, clientCertHeader, expression', source, 'keep one certificate source');
    }
    checkConditions(this, `${field}.when`, rule.when);
    this.authentication.set(name, rule);
    return rule;
  }

  /**
   * Adds metadata rule `name`.
   *
   * @throws ModelServingError for a duplicate name, not exactly one of http, userInfo, uma, or a userInfo rule with both sources
   * @returns the rule
   */
  public addMetadata(name: string, rule: MetadataRule): MetadataRule {
    const field = this.key(this.metadataRules, 'rules.metadata', name, rule);
    exactlyOne(this, field, rule, METADATA_METHODS);
    if (rule.userInfo?.identitySource && rule.userInfo.userInfoUrl) invalid(this, `${field}.userInfo`, 'needs one of identitySource, userInfoUrl', rule.userInfo, 'keep one of the two');
    if (rule.http && !rule.http.url && !rule.http.urlExpression) invalid(this, `${field}.http`, 'needs url or urlExpression', rule.http, 'give the endpoint to fetch');
    checkConditions(this, `${field}.when`, rule.when);
    this.metadataRules.set(name, rule);
    return rule;
  }

  /**
   * Adds authorization rule `name`.
   *
   * @throws ModelServingError for a duplicate name, not exactly one method, an OPA rule without exactly one of rego/externalPolicy or whose Rego declares `default allow` (Authorino adds it), or a pattern-matching rule without patterns
   * @returns the rule
   */
  public addAuthorization(name: string, rule: AuthorizationRule): AuthorizationRule {
    const field = this.key(this.authorization, 'rules.authorization', name, rule);
    exactlyOne(this, field, rule, AUTHZ_METHODS);
    if (rule.opa) {
      const sources = [rule.opa.rego, rule.opa.externalPolicy].filter((x) => x !== undefined);
      if (sources.length !== 1) invalid(this, `${field}.opa`, 'needs exactly one of rego, externalPolicy', rule.opa, 'inline the Rego, or give externalPolicy.url');
      if (rule.opa.rego !== undefined && /^\s*default\s+allow\b/m.test(rule.opa.rego)) {
        invalid(this, `${field}.opa.rego`, "declares 'default allow', which Authorino adds itself ('default allow = false'): the policy would not compile", 'default allow', 'remove the default rule; Authorino denies unless allow is true');
      }
    }
    if (rule.patternMatching && rule.patternMatching.patterns.length === 0) invalid(this, `${field}.patternMatching.patterns`, 'is empty', [], 'give at least one pattern or predicate');
    checkConditions(this, `${field}.when`, rule.when);
    this.authorization.set(name, rule);
    return rule;
  }

  /**
   * Adds callback `name`.
   *
   * @throws ModelServingError for a duplicate name or an http callback without url/urlExpression
   * @returns the rule
   */
  public addCallback(name: string, rule: CallbackRule): CallbackRule {
    const field = this.key(this.callbacks, 'rules.callbacks', name, rule);
    if (!rule.http.url && !rule.http.urlExpression) invalid(this, `${field}.http`, 'needs url or urlExpression', rule.http, 'give the endpoint to call');
    checkConditions(this, `${field}.when`, rule.when);
    this.callbacks.set(name, rule);
    return rule;
  }

  /**
   * Adds upstream header `name` (`rules.response.success.headers`).
   *
   * @throws ModelServingError for a duplicate name or not exactly one of plain, json, wristband
   * @returns the item
   */
  public addSuccessHeader(name: string, item: SuccessHeader): SuccessHeader {
    const field = this.key(this.successHeaders, 'rules.response.success.headers', name, item);
    exactlyOne(this, field, item, SUCCESS_METHODS);
    checkConditions(this, `${field}.when`, item.when);
    this.successHeaders.set(name, item);
    return item;
  }

  /**
   * Adds success filter `name` (`rules.response.success.filters`), e.g.
   * `identity` for `auth.identity.*` in rate-limit predicates.
   *
   * @throws ModelServingError for a duplicate name or not exactly one of plain, json, wristband
   * @returns the item
   */
  public addSuccessFilter(name: string, item: SuccessFilter): SuccessFilter {
    const field = this.key(this.successFilters, 'rules.response.success.filters', name, item);
    exactlyOne(this, field, item, SUCCESS_METHODS);
    checkConditions(this, `${field}.when`, item.when);
    this.successFilters.set(name, item);
    return item;
  }

  /**
   * Adds named pattern set `name` (`patterns`).
   *
   * @throws ModelServingError for a duplicate name or an empty set
   * @returns the pattern set
   */
  public addPattern(name: string, pattern: NamedPattern): NamedPattern {
    const field = this.key(this.patterns, 'patterns', name, pattern);
    if (pattern.allOf.length === 0) invalid(this, `${field}.allOf`, 'is empty', [], 'give at least one selector/operator/value pattern');
    this.patterns.set(name, pattern);
    return pattern;
  }

  private key(map: Map<string, unknown>, section: string, name: string, rule: unknown): string {
    if (typeof name !== 'string' || !/^\S{1,253}$/.test(name)) invalid(this, section, 'needs rule names of 1-253 characters without spaces', name, 'name rules like "api-key" or "tier-access"');
    checkRecordKeysDeep(this, section, { [name]: rule });
    const field = `${section}.${name}`;
    if (map.has(name)) invalid(this, field, 'is defined twice', name, 'give each rule a unique name');
    return field;
  }

  private checkDenial(field: string, r: DenialResponse): DenialResponse {
    if (r.code !== undefined && (!Number.isInteger(r.code) || r.code < 300 || r.code > 599)) invalid(this, `${field}.code`, 'must be an HTTP status between 300 and 599', r.code, 'use e.g. 401 or 403');
    return r;
  }

  private renderSpec(): RenderedSpec {
    const response =
      this.successHeaders.size + this.successFilters.size > 0 || this.unauthenticated || this.unauthorized
        ? {
            success: this.successHeaders.size + this.successFilters.size > 0 ? { headers: sorted(this.successHeaders), filters: sorted(this.successFilters) } : undefined,
            unauthenticated: this.unauthenticated,
            unauthorized: this.unauthorized,
          }
        : undefined;
    const rules: RenderedRules = {
      authentication: sorted(this.authentication),
      metadata: sorted(this.metadataRules),
      authorization: sorted(this.authorization),
      callbacks: sorted(this.callbacks),
      response,
    };
    const block: RenderedBlock = { rules, patterns: sorted(this.patterns), when: renderPredicates(this.predicates) };
    const targetRef = this.target.render();
    const { section, strategy } = this.precedence;
    if (section === 'implicit') return { targetRef, ...block };
    return section === 'defaults' ? { targetRef, defaults: { ...block, strategy } } : { targetRef, overrides: { ...block, strategy } };
  }
}

function exactlyOne(scope: Construct, field: string, rule: object, keys: readonly string[]): void {
  const present = keys.filter((k) => (rule as Record<string, unknown>)[k] !== undefined);
  if (present.length !== 1) invalid(scope, field, `needs exactly one of ${keys.join(', ')}`, present, `keep one method per rule; split the others into rules of their own`);
}

function checkConditions(scope: Construct, field: string, when: ReadonlyArray<{ readonly predicate?: string }> | undefined): void {
  when?.forEach((w, i) => {
    if (w.predicate !== undefined && w.predicate.trim() === '') invalid(scope, `${field}[${i}].predicate`, 'must be a non-empty CEL predicate', w.predicate, 'write a boolean expression, or drop the condition');
  });
}

/** The entries of `map` as a record in key order, or undefined when there are none (the field is left out). */
function sorted<T>(map: Map<string, T>): Record<string, T> | undefined {
  return map.size > 0 ? sortRecord(Object.fromEntries(map)) : undefined;
}
