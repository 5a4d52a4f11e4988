/**
 * Issue 17 §2: the inline HTTPRoute spec of an LLMInferenceService's
 * managed route (`router.route.http.spec`: parentRefs, hostnames, rules
 * with matches, filters and timeouts), as KServe v0.20.0 accepts and merges
 * it:
 *
 * - the rules replace the `kserve-config-llm-router-route` preset's
 *   (strategic merge, no merge key on `rules`), and KServe resolves the
 *   backendRef naming its own pool (`isDefaultBackendRef`): the rules name
 *   `LlmRouteBackend`s, rendered as the preset writes them;
 * - an inline spec without rules gets the preset's path rules, since the CRD
 *   defaults a missing `rules` to a catch-all rule without backends;
 * - parentRefs come from Gateway objects and are refused next to
 *   `router.gateway.refs` (KServe's webhook rejects parentRefs that differ);
 * - the stream-safe timeout rule of src/routing/stream-timeouts.ts holds on
 *   every rule.
 */
import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '../../src/core/secret-ref';
import { buildPlatforms } from '../../src/delivery/pipeline';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { HttpRouteFilter, PathModifier } from '../../src/routing/filter';
import { HeaderMatch, PathMatch } from '../../src/routing/match';
import { Backend } from '../../src/core/backend';
import { LlmInferenceService, LlmInferenceServiceProps } from '../../src/serving/llm-inference-service';
import { LlmRouter } from '../../src/serving/llm-router';
import { LlmRouteBackend, LlmRouteRule, presetLlmRouteRules } from '../../src/serving/llm-route';
import { Storage } from '../../src/serving/storage';
import { formatIssue, validateObject } from '../../src/validate';
import { Json } from '../upstream-compare';
import { findObject, setup, synthObjects } from '../util';
import { plainChart, synthCharts } from './upstream-rebuild';

const GPU = { limits: { cpu: '8', memory: '64Gi', nvidiaGpu: '1' }, requests: { cpu: '4', memory: '32Gi', nvidiaGpu: '1' } };
const base = (router: LlmRouter): LlmInferenceServiceProps => ({ model: Storage.hf('Qwen/Qwen3-8B'), container: { resources: GPU }, router });

/** One service in namespace `llm`, checked against the v1alpha2 CRD; its `spec.router`. */
function router(r: LlmRouter, name = 'qwen'): any {
  const app = Testing.app();
  new LlmInferenceService(plainChart(app, 'llm'), name, base(r));
  const [o] = synthCharts(app);
  expect(validateObject(o).map(formatIssue), 'valid against the v1alpha2 CRD').toEqual([]);
  return (o as Json & { spec: any }).spec.router;
}

const POOL = { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-inference-pool', port: 8000, weight: 1 };
const SERVICE = { kind: 'Service', name: 'qwen-kserve-workload-svc', port: 8000, weight: 1 };

describe('LlmRouter.managed: the inline route spec (router.route.http.spec)', () => {
  it("rules with matches, filters and timeouts; the model backend is KServe's pool backendRef, which KServe resolves", () => {
    const rules: LlmRouteRule[] = [
      {
        name: 'chat',
        matches: [{ path: PathMatch.prefix('/qwen/v1/chat/completions'), headers: [HeaderMatch.exact('x-tenant', 'a')] }],
        filters: [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/v1/chat/completions') }), HttpRouteFilter.requestHeaderModifier({ set: { 'x-route': 'inline' } })],
      },
      { name: 'models', matches: [{ path: PathMatch.exact('/v1/models') }], backend: LlmRouteBackend.WORKLOAD_SERVICE, timeouts: { request: Duration.seconds(30), shortStreamReason: 'the model list never streams' } },
      { name: 'long', matches: [{ path: PathMatch.prefix('/v1/completions') }], timeouts: { request: Duration.minutes(20), backendRequest: Duration.minutes(15) } },
    ];
    const r = router(LlmRouter.managed({ scheduler: true, hostnames: ['llm.example.com'], rules }));
    const spec = r.route.http.spec;
    expect(spec.hostnames).toEqual(['llm.example.com']);
    expect(spec.parentRefs).toBeUndefined();
    expect(spec.rules.map((x: any) => x.name)).toEqual(['chat', 'models', 'long']);
    const [chat, models, long] = spec.rules;
    expect(chat.matches).toEqual([{ path: { type: 'PathPrefix', value: '/qwen/v1/chat/completions' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'a' }] }]);
    expect(chat.filters.map((f: any) => f.type)).toEqual(['URLRewrite', 'RequestHeaderModifier']);
    expect(chat.filters[0].urlRewrite).toEqual({ path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v1/chat/completions' } });
    // The model: KServe's pool, as the preset names it (KServe swaps in the workload Service without a scheduler, or the pool of useInferencePool).
    expect(chat.backendRefs).toEqual([POOL]);
    // No timeouts given on a streaming route: the whole-request timeout is off (request: 0s).
    expect(chat.timeouts).toEqual({ request: '0s' });
    expect(models.backendRefs).toEqual([SERVICE]);
    expect(models.timeouts).toEqual({ request: '30s' });
    expect(long.timeouts).toEqual({ request: '20m', backendRequest: '15m' });
    // With the default Gateway: no router.gateway, KServe's preset parentRefs stay (spec.parentRefs is not written).
    expect(r.gateway).toBeUndefined();
  });

  it("hostnames alone write the preset's path rules (the CRD would default rules to a catch-all without backends)", () => {
    const spec = router(LlmRouter.managed({ hostnames: ['llm.example.com'] })).route.http.spec;
    expect(spec.rules.map((x: any) => x.name)).toEqual([
      'v1-completions-path',
      'v1-chat-completions-path',
      'v1-responses-path',
      'v1-messages-path',
      'v1-completions-publisher-path',
      'v1-chat-completions-publisher-path',
      'v1-responses-publisher-path',
      'v1-messages-publisher-path',
      'v1-publisher-path-catch-all',
      'v1-catch-all-path',
    ]);
    const byName = Object.fromEntries(spec.rules.map((x: any) => [x.name, x]));
    expect(byName['v1-chat-completions-path'].matches).toEqual([{ path: { type: 'PathPrefix', value: '/llm/qwen/v1/chat/completions' } }]);
    expect(byName['v1-chat-completions-path'].filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v1/chat/completions' } } }]);
    expect(byName['v1-chat-completions-path'].backendRefs).toEqual([POOL]);
    expect(byName['v1-completions-publisher-path'].matches[0].path.value).toBe('/publishers/llm/models/Qwen/Qwen3-8B/v1/completions');
    expect(byName['v1-catch-all-path']).toMatchObject({ matches: [{ path: { type: 'PathPrefix', value: '/llm/qwen' } }], backendRefs: [SERVICE] });
    expect(byName['v1-catch-all-path'].filters[0].urlRewrite.path.replacePrefixMatch).toBe('/');
    for (const rule of spec.rules) expect(rule.timeouts).toEqual({ request: '0s' });
    // The same rules, typed: a user can start from them.
    expect(presetLlmRouteRules({ namespace: 'llm', name: 'qwen', modelName: 'Qwen/Qwen3-8B' })).toHaveLength(10);
    // Without hostnames, parents or rules, no inline spec: KServe's preset applies whole (router.route: {}).
    expect(router(LlmRouter.managed()).route).toEqual({});
  });

  it('parents become parentRefs to Gateway objects (no router.gateway), the Gateway is opened to the vLLM pods, and Kong gets its stream-safe timeout', () => {
    const f = setup(['gw', 'llm'], { requireAccessPolicies: false });
    const listeners = [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.llm]) })];
    const istio = new Gateway(f.ns.gw, 'istio', { provider: GatewayProvider.ISTIO, listeners });
    new LlmInferenceService(f.ns.llm, 'qwen', base(LlmRouter.managed({ parents: [istio.listener('https')], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }] }] })));
    const kong = new Gateway(f.ns.gw, 'kong', { provider: GatewayProvider.KONG, listeners });
    new LlmInferenceService(f.ns.llm, 'other', base(LlmRouter.managed({ parents: [kong] })));
    const objects = synthObjects(f.app);
    const qwen = findObject(objects, 'LLMInferenceService', 'qwen', 'llm');
    expect(qwen.spec.router.gateway).toBeUndefined();
    expect(qwen.spec.router.route.http.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'istio', namespace: 'gw', sectionName: 'https' }]);
    expect(qwen.spec.router.route.http.spec.rules[0].timeouts).toEqual({ request: '0s' });
    // Kong ignores request and reads backendRequest as its read timeout (60 s by default): 10 minutes.
    const other = findObject(objects, 'LLMInferenceService', 'other', 'llm');
    expect(other.spec.router.route.http.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kong', namespace: 'gw' }]);
    for (const rule of other.spec.router.route.http.spec.rules) expect(rule.timeouts).toEqual({ backendRequest: '10m' });
    // The parent Gateway's proxy pods may reach the vLLM pods, as with router.gateway.refs.
    const ingress = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'llm' && (o.metadata.name ?? '').includes('istio-to-llmisvc-qwen')) as any[];
    expect(ingress).toHaveLength(1);
    expect(ingress[0].spec.ingress[0].ports).toEqual([{ port: 8000, protocol: 'TCP' }]);
    for (const o of objects.filter((x) => x.kind === 'LLMInferenceService')) expect(validateObject(o as unknown as Json).map(formatIssue)).toEqual([]);
    expect(() => buildPlatforms(f.app)).not.toThrow();
  });

  it("refuses what KServe's webhook or the Gateway API CRD rejects, and timeouts that cut streams", () => {
    const f = setup(['gw', 'llm', 'other'], { requireAccessPolicies: false });
    const gw = new Gateway(f.ns.gw, 'gw', { provider: GatewayProvider.ISTIO, listeners: [Listener.https({ certificates: [SecretRef.named('cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.other]) })] });
    const chat = { matches: [{ path: PathMatch.prefix('/v1/chat/completions') }] };
    expect(() => LlmRouter.managed({ gateways: [gw], parents: [gw] })).toThrow(/LlmRouter\.managed.*parents.*given with gateways.*rejects other parentRefs.*name the Gateways once/s);
    expect(() => LlmRouter.managed({ explicitDefaultGateway: true, parents: [gw] })).toThrow(/explicitDefaultGateway.*cannot be combined with parents/s);
    expect(() => LlmRouter.managed({ parents: ['gw'] as never })).toThrow(/parents\[0\] must be a Gateway or a listener/);
    expect(() => LlmRouter.managed({ rules: [] })).toThrow(/rules must be a non-empty list/);
    expect(() => LlmRouter.managed({ rules: Array.from({ length: 17 }, () => chat) })).toThrow(/rules can hold at most 16 rules.*17/s);
    expect(() => LlmRouter.managed({ rules: [{ name: 'a', ...chat }, { name: 'a', ...chat }] })).toThrow(/rules\[1\]\.name is already used/);
    expect(() => LlmRouter.managed({ rules: [{ ...chat, backends: [] } as never] })).toThrow(/rules\[0\]\.backends.*not a known field/s);
    expect(() => LlmRouter.managed({ rules: [{ matches: [{ path: PathMatch.prefix('v1') }] }] })).toThrow(/rules\[0\]\.matches\[0\]\.path must be an absolute path/);
    expect(() =>
      LlmRouter.managed({ rules: [{ matches: [{ path: PathMatch.prefix('/a') }, { path: PathMatch.prefix('/b') }], filters: [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/v1') })] }] }),
    ).toThrow(/rules\[0\]\.filters uses path\.replacePrefixMatch in URLRewrite, which needs exactly one PathPrefix match/);
    expect(() => LlmRouter.managed({ rules: [{ ...chat, filters: [HttpRouteFilter.requestMirror(Backend.service('shadow', 8000))] }] })).toThrow(/rules\[0\]\.filters mirrors requests.*mirror from an HttpRoute of your own/s);
    expect(() => LlmRouter.managed({ rules: [{ ...chat, filters: [HttpRouteFilter.requestRedirect({ hostname: 'new.example.com' })], backend: LlmRouteBackend.MODEL }] })).toThrow(/rules\[0\]\.backend is set on a rule with a RequestRedirect filter/);
    expect(() => LlmRouter.managed({ rules: [{ ...chat, backend: 'pool' as never }] })).toThrow(/rules\[0\]\.backend/);
    // A whole-request timeout under 10 minutes cuts streamed answers.
    expect(() => LlmRouter.managed({ rules: [{ ...chat, timeouts: { request: Duration.seconds(60) } }] })).toThrow(/rules\[0\]\.timeouts\.request is shorter than 10m on a route to the LLMInferenceService, which streams.*"1m"/s);
    expect(() => LlmRouter.managed({ rules: [{ ...chat, timeouts: { request: Duration.minutes(20), backendRequest: Duration.minutes(30) } }] })).toThrow(/rules\[0\]\.timeouts\.backendRequest must not be longer than timeouts\.request \(20m\)/);
    // A redirect answers itself: no backend, no stream check, no default timeout.
    const redirect = router(LlmRouter.managed({ rules: [{ ...chat, filters: [HttpRouteFilter.requestRedirect({ hostname: 'new.example.com' })] }] })).route.http.spec.rules[0];
    expect(redirect.backendRefs).toBeUndefined();
    expect(redirect.timeouts).toBeUndefined();
    // The parent's listener admits routes from namespace other only: KServe's route lives in llm.
    expect(() => new LlmInferenceService(f.ns.llm, 'qwen', base(LlmRouter.managed({ parents: [gw] })))).toThrow(/test\/llm\/qwen.*router\.parents\[0\].*does not admit routes from namespace 'llm'/s);
    expect(() => new LlmInferenceService(f.ns.other, 'qwen', base(LlmRouter.managed({ parents: [gw] })))).not.toThrow();
  });

  it('never surfaces raw TypeErrors for bad parents or rules', () => {
    const raw: string[] = [];
    for (const bad of [null, 42, 'text', { text: 42 }, [42], true, [{ matches: 42 }], [{ filters: [42] }], [{ timeouts: { request: 5 } }]] as const) {
      for (const key of ['parents', 'rules']) {
        try {
          LlmRouter.managed({ [key]: bad } as never);
        } catch (e) {
          if (!(e instanceof Error) || e.name !== 'ModelServingError') raw.push(`${key} = ${JSON.stringify(bad)}: ${String(e)}`);
        }
      }
    }
    expect(raw).toEqual([]);
  });
});
