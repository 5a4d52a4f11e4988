/**
 * The reference platforms are written with ModelEndpoint (issue 16 §2): each
 * served model is one endpoint, and the tiers of the protected platforms name
 * endpoints. Their YAML is pinned by the dist/ freshness test (unchanged by
 * the rewrite); these are the object-level facts.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { LlmMonitoring } from '../../src/observability/llm-monitoring';
import { KServeModelMonitoring } from '../../src/observability/kserve-model-monitoring';
import { kongGatewayPlatform } from '../../src/platforms/kong-gateway';
import { KgatewayKservePlatform } from '../../src/platforms/kgateway-kserve';
import { KgatewayProductionPlatform } from '../../src/platforms/kgateway-production';
import { KservePlatform } from '../../src/platforms/kserve-platform';
import { MaasPlatform } from '../../src/platforms/maas';
import { GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';

describe('reference platforms on ModelEndpoint', () => {
  it('kgateway-production: basic may call the iris endpoint only, premium also mnist, admin everything', () => {
    const p = new KgatewayProductionPlatform(Testing.app());
    const iris = p.endpoints['sklearn-iris'];
    const mnist = p.endpoints['tensorflow-mnist'];
    expect(p.accessPolicy.routes).toEqual([iris.route, mnist.route]);
    const allows = (tier: string) => [iris, mnist].map((e) => p.accessPolicy.tier(tier)!.allows(e.route));
    expect([allows('basic'), allows('premium'), allows('admin')]).toEqual([[true, false], [true, true], [true, true]]);
    expect(iris.monitoring).toBeInstanceOf(KServeModelMonitoring);
  });

  it('kgateway-kserve: both endpoints public with the write-up reason', () => {
    const p = new KgatewayKservePlatform(Testing.app());
    for (const e of Object.values(p.endpoints)) expect(e.route.accessState()).toMatchObject({ kind: 'public', reason: expect.stringContaining('write-up 001 has no authentication') });
  });

  it('maas: each model under its own prefix; vLLM models monitored as LLMs, the TEI embedding model as a KServe model', () => {
    const p = new MaasPlatform(Testing.app());
    expect(Object.fromEntries(Object.entries(p.endpoints).map(([k, e]) => [k, e.path]))).toEqual({
      'qwen3-0-6b-instruct': '/qwen3',
      'granite-code': '/granite',
      'mistral-7b-instruct': '/mistral',
      'nomic-embed': '/nomic-embed',
    });
    for (const name of ['qwen3-0-6b-instruct', 'granite-code', 'mistral-7b-instruct']) expect(p.endpoints[name].monitoring, name).toBeInstanceOf(LlmMonitoring);
    expect(p.endpoints['nomic-embed'].monitoring).not.toBeInstanceOf(LlmMonitoring);
    expect(p.accessPolicy.tier('free')!.models).toEqual([p.endpoints['qwen3-0-6b-instruct'].route, p.endpoints['nomic-embed'].route]);
  });

  it('kserve-platform: the grpc-v2 Triton model gets a GRPCRoute on its own hostname, the others HTTPRoutes', () => {
    const p = new KservePlatform(Testing.app());
    expect(p.endpoints['triton-grpc'].route).toBeInstanceOf(GrpcRoute);
    for (const name of ['sklearn-iris', 'model-with-transformer', 'pytorch-gpu']) expect(p.endpoints[name].route, name).toBeInstanceOf(HttpRoute);
    // Knative-mode models are not on the gateway.
    expect(Object.keys(p.endpoints).sort()).toEqual(['model-with-transformer', 'pytorch-gpu', 'sklearn-iris', 'triton-grpc']);
  });

  it('kong-gateway (catalog): the catalog model is an endpoint whose route the platform lists', () => {
    const p = kongGatewayPlatform(Testing.app());
    expect(p.endpoints.size).toBeGreaterThan(0);
    for (const [name, e] of p.endpoints) expect(p.routes.get(name)).toBe(e.route);
  });
});
