import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { Namespace } from '../../src/core/namespace';
import { AgentgatewayBackend } from '../../src/agentgateway/agentgateway-backend';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayExtension } from '../../src/policy/kgateway/gateway-extension';
import { TrafficPolicy } from '../../src/policy/kgateway/traffic-policy';
import { KongConsumer } from '../../src/policy/kong/kong-consumer';
import { KongPlugin } from '../../src/policy/kong/kong-plugin';
import { HttpRouteFilter } from '../../src/routing/filter';
import { S3ServiceAccount } from '../../src/serving/s3-service-account';
import { Autoscaling, DeploymentMode, ScaleMetric } from '../../src';
import { setup } from '../util';
import { requiredAllOptionalParams, unexportedL1Enums } from './api-surface';

/**
 * Props whose type has only optional keys but whose constructor needs one of
 * them (so `{}` is refused, and the argument stays required). Each is proved
 * below to refuse `{}`.
 */
const NEEDS_ONE_OF: Record<string, (ns: Namespace) => unknown> = {
  'agentgateway/agentgateway-backend.ts AgentgatewayBackend.constructor(props: AgentgatewayBackendProps)': (ns) => new AgentgatewayBackend(ns, 'b', {}),
  'gateway/gateway.ts Gateway.constructor(props: GatewayProps)': (ns) => new Gateway(ns, 'g', {}),
  'policy/kgateway/gateway-extension.ts GatewayExtension.constructor(props: GatewayExtensionProps)': (ns) => new GatewayExtension(ns, 'e', {}),
  'policy/kong/kong-consumer.ts KongConsumer.constructor(props: KongConsumerProps)': (ns) => new KongConsumer(ns, 'c', {}),
  'policy/kong/kong-plugin.ts KongPlugin.acl(options: AclOptions)': (ns) => KongPlugin.acl(ns, 'a', {}),
  'policy/kong/kong-plugin.ts KongPlugin.rateLimiting(options: RateLimitingOptions)': (ns) => KongPlugin.rateLimiting(ns, 'r', {}),
  'policy/kong/kong-plugin.ts KongPlugin.requestTransformer(options: RequestTransformerOptions)': (ns) => KongPlugin.requestTransformer(ns, 'q', {}),
  'policy/kong/kong-plugin.ts KongPlugin.responseTransformer(options: ResponseTransformerOptions)': (ns) => KongPlugin.responseTransformer(ns, 's', {}),
  'policy/kong/kong-plugin.ts KongPlugin.ipRestriction(options: IpRestrictionOptions)': (ns) => KongPlugin.ipRestriction(ns, 'i', {}),
  'routing/filter.ts HttpRouteFilter.urlRewrite(options: { readonly hostname?: string | undefined; readonly path?: PathModifier | undefined; })': () => HttpRouteFilter.urlRewrite({}),
  'routing/filter.ts HttpRouteFilter.requestHeaderModifier(changes: HeaderModifications)': () => HttpRouteFilter.requestHeaderModifier({}),
  'routing/filter.ts HttpRouteFilter.responseHeaderModifier(changes: HeaderModifications)': () => HttpRouteFilter.responseHeaderModifier({}),
  'serving/s3-service-account.ts S3ServiceAccount.constructor(props: S3ServiceAccountProps)': (ns) => new S3ServiceAccount(ns, 's', {}),
};

describe('a props argument whose props are all optional is optional', () => {
  it('every public constructor and factory outside src/observability takes such props as an optional argument, unless it needs one of them', () => {
    const found = requiredAllOptionalParams((file) => file.startsWith('observability/')).map((entry) => entry.replace(/:\d+ /, ' '));
    expect(found.filter((entry) => !(entry in NEEDS_ONE_OF))).toEqual([]);
  }, 300_000);

  it.each(Object.entries(NEEDS_ONE_OF))('%s refuses {} with a ModelServingError (so its argument stays required)', (_, build) => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    expect(() => build(ns.models)).toThrow(ModelServingError);
  });

  it('takes no argument where {} means the defaults', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    expect(new TrafficPolicy(ns.models, 'defaults').policyName).toBe('defaults');
    expect(HttpRouteFilter.requestRedirect().filterSpec).toMatchObject({ type: 'RequestRedirect' });
  });

  it('refuses a filter that changes nothing, naming what to pass', () => {
    expect(() => HttpRouteFilter.urlRewrite({})).toThrow(/^HttpRouteFilter\.urlRewrite: options changes nothing \(neither hostname nor path\) \(received: \{\}\)\. Fix: pass hostname/);
    expect(() => HttpRouteFilter.requestHeaderModifier({ remove: [] })).toThrow(/^HttpRouteFilter\.requestHeaderModifier: changes changes nothing \(no set, add or remove\)/);
  });
});

describe('enums of the generated L1 types that public declarations expose are exported', () => {
  it('src/index.ts exports every imports/ enum named by an exported prop, parameter or property type', () => {
    expect(unexportedL1Enums()).toEqual([]);
  }, 300_000);
});

describe('ScaleMetric', () => {
  it('is the L1 enum a binding carries, so typed code compares without a cast', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    expect(Autoscaling.concurrency(5).bind(ns.models, DeploymentMode.KNATIVE).scaleMetric).toBe(ScaleMetric.CONCURRENCY);
  });
});
