/**
 * KongUpstreamPolicy and `konghq.com/strip-path` (KongRoute.stripPath),
 * proved by rebuilding the upstream Kong files that use them
 * (`../shared/examples/kong`): the KIC example and golden test input with a
 * KongUpstreamPolicy attached to two Services behind a weighted HTTPRoute
 * that strips its path, and the kubernetes-configuration sample with a
 * header hash and a cookie fallback. Each object is compared with the
 * upstream one after CRD defaults (test/upstream-compare.ts); nothing is
 * added to them.
 *
 * Rebuilt: KongUpstreamPolicy (the typed construct), HTTPRoute (HttpRoute +
 * KongRoute.stripPath), and the two Services as plain `KubeService` L1
 * objects that the policy attaches to (the library has no Service L2: the
 * point is that the policy names the Service object, and the annotation
 * follows). Not rebuilt: NOT_REBUILT below.
 *
 * The one documented difference: the KIC example writes its HTTPRoute as
 * `gateway.networking.k8s.io/v1beta1`; HttpRoute emits `v1` (the same
 * schema; v1beta1 is deprecated and no longer served by newer Gateway API
 * releases). Asserted explicitly below.
 */
import * as path from 'node:path';
import { App, Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { k8s } from 'cdk8s-plus-34';
import { Backend } from '../../src/core/backend';
import { Gateway } from '../../src/gateway/gateway';
import { KongRoute } from '../../src/policy/kong/kong-route';
import { KongHashOn, KongUpstreamPolicy } from '../../src/policy/kong/kong-upstream-policy';
import { GrpcRoute } from '../../src/routing/grpc-route';
import { HttpRoute } from '../../src/routing/http-route';
import { PathMatch } from '../../src/routing/match';
import { HttpRouteFilter, PathModifier } from '../../src/routing/filter';
import { formatIssue, validateObject } from '../../src/validate';
import { compareWithUpstream, Json, objectKey, readObjects } from '../upstream-compare';
import { findObject, setup, synthObjects } from '../util';
import { InferenceService } from '../../src/serving/inference-service';
import { Predictor } from '../../src/serving/predictor';
import { DeploymentMode, ModelFormat } from '../../src/serving/model-format';

const EXAMPLES = path.resolve(__dirname, '../../../shared/examples/kong');

const NOT_REBUILT: Readonly<Record<string, string>> = {
  GatewayClass: 'Gateway API, cluster-scoped; KongGateway emits it (src/kong)',
  Gateway: 'Gateway API, built by src/gateway (the route refers to it by name)',
  Deployment: 'the httpbin workload, not a Kong kind',
};

interface Case {
  readonly file: string;
  /** Builds the objects of the file into `app`. */
  readonly build: (app: App) => void;
  /** Upstream fields we deliberately do not reproduce, by `Kind/name`, each with its reason in DIFFERENCES. @default - none */
  readonly differences?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Upstream values Kong itself refuses, which the typed constructs refuse too,
 * so the rebuild uses the nearest valid value.
 */
const DIFFERENCES: Readonly<Record<string, string>> = {
  'spec.hashOn.cookiePath: upstream "cookie-path" ≠ ours "/cookie-path"':
    "Kong's hash_on_cookie_path is a typedefs.path that must start with '/' (kong/db/schema/typedefs.lua, Kong 3.9), so Kong rejects the upstream value at sync; KongHashOn.cookie refuses it (asserted below)",
};

/** The two httpbin Services of the KIC files, as L1 objects (selector `app: httpbin` on the test one is upstream's own). */
function httpbinServices(chart: Chart): { prod: k8s.KubeService; test: k8s.KubeService } {
  const service = (name: string, selector: string) =>
    new k8s.KubeService(chart, name, {
      metadata: { name, labels: { app: name } },
      spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(80) }], selector: { app: selector }, type: 'ClusterIP' },
    });
  return { prod: service('httpbin-prod', 'httpbin-prod'), test: service('httpbin-test', 'httpbin') };
}

/** The weighted, path-stripping HTTPRoute of the KIC files. */
function httpbinRoute(chart: Chart, prod: k8s.KubeService, test: k8s.KubeService): HttpRoute {
  const route = new HttpRoute(chart, 'httpbin', {
    parents: [Gateway.fromGatewayName(chart, 'kong-gateway', 'kong')],
    rules: [
      {
        matches: [{ path: PathMatch.prefix('/httpbin-with-test') }],
        backends: [
          { backend: Backend.service(prod.name, 80), weight: 75 },
          { backend: Backend.service(test.name, 80), weight: 25 },
        ],
      },
      { matches: [{ path: PathMatch.prefix('/httpbin-prod-only') }], backends: [Backend.service(prod.name, 80)] },
    ],
  });
  KongRoute.stripPath(route);
  return route;
}

const CASES: readonly Case[] = [
  {
    file: 'kubernetes-ingress-controller/examples/kong-upstream-policy-httproute.yaml',
    build: (app) => {
      const chart = new Chart(app, 'example');
      const { prod, test } = httpbinServices(chart);
      httpbinRoute(chart, prod, test);
      new KongUpstreamPolicy(chart, 'httpbin-httproute', {
        algorithm: 'consistent-hashing',
        slots: 100,
        hashOn: KongHashOn.cookie('session-id', '/cookie-path'),
        healthchecks: {
          active: { type: 'tcp', concurrency: 20, healthy: { interval: Duration.seconds(5), successes: 5 }, unhealthy: { timeouts: 5, interval: Duration.seconds(10) } },
          passive: { type: 'http', healthy: { successes: 5 }, unhealthy: { timeouts: 10 } },
        },
        services: [prod, test],
      });
    },
    differences: { 'KongUpstreamPolicy/httpbin-httproute': ['spec.hashOn.cookiePath: upstream "cookie-path" ≠ ours "/cookie-path"'] },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/kongupstreampolicy-httproute/in.yaml',
    build: (app) => {
      const chart = new Chart(app, 'golden', { namespace: 'default' });
      const { prod, test } = httpbinServices(chart);
      httpbinRoute(chart, prod, test);
      const policy = new KongUpstreamPolicy(chart, 'httpbin-httproute', {
        algorithm: 'consistent-hashing',
        slots: 100,
        hashOn: KongHashOn.header('session-id'),
        hashOnFallback: KongHashOn.consumer(),
        healthchecks: {
          active: {
            type: 'http',
            httpPath: '/status',
            httpsSni: 'example.com',
            httpsVerifyCertificate: false,
            concurrency: 20,
            timeout: Duration.seconds(15),
            headers: { 'X-Health-Check': ['kong', 'dataplane'] },
            healthy: { httpStatuses: [200, 302], interval: Duration.seconds(5), successes: 5 },
            unhealthy: { httpStatuses: [400, 500], httpFailures: 5, timeouts: 5, interval: Duration.seconds(10) },
          },
          passive: { type: 'tcp', healthy: { successes: 5 }, unhealthy: { tcpFailures: 5, timeouts: 10 } },
        },
      });
      policy.attachTo(prod, test);
    },
  },
  {
    file: 'kubernetes-configuration/config/samples/kongupstreampolicy_hashon_header_hashonfallback_cookie.yaml',
    build: (app) => {
      const chart = new Chart(app, 'sample', { namespace: 'default' });
      new KongUpstreamPolicy(chart, 'policy', {
        name: 'kongupstreampolicy-hashon-header-hashonfallback-cookie',
        algorithm: 'consistent-hashing',
        hashOn: KongHashOn.header('X-Session-ID'),
        hashOnFallback: KongHashOn.cookie('session-cookie-name', '/session'),
      });
    },
  },
];

function synth(app: App): Json[] {
  return app.charts.flatMap((chart) => chart.toJson() as Json[]);
}

describe('upstream KongUpstreamPolicy and strip-path files rebuilt through KongUpstreamPolicy, HttpRoute and KongRoute.stripPath', () => {
  for (const c of CASES) {
    it(c.file, () => {
      const upstream = readObjects(path.join(EXAMPLES, c.file));
      for (const o of upstream.filter((x) => (x.kind as string) in NOT_REBUILT)) expect(NOT_REBUILT).toHaveProperty([o.kind as string]);
      const expected = upstream.filter((o) => !((o.kind as string) in NOT_REBUILT));
      const app = Testing.app();
      c.build(app);
      const ours = synth(app);
      expect(ours.map(objectKey).sort(), 'the objects we build').toEqual(expected.map(objectKey).sort());
      for (const theirs of expected) {
        const key = objectKey(theirs);
        const mine = ours.find((o) => objectKey(o) === key)!;
        expect(validateObject(mine).map(formatIssue), `${key} is valid`).toEqual([]);
        let compared = theirs;
        if (theirs.kind === 'HTTPRoute' && theirs.apiVersion === 'gateway.networking.k8s.io/v1beta1') {
          // The one documented difference (file comment): v1beta1 upstream, v1 ours.
          expect(mine.apiVersion).toBe('gateway.networking.k8s.io/v1');
          compared = { ...theirs, apiVersion: mine.apiVersion };
        }
        const { missing, extra } = compareWithUpstream(compared, mine);
        const differences = c.differences?.[key] ?? [];
        for (const d of differences) expect(DIFFERENCES, `${d} has a reason`).toHaveProperty([d]);
        expect(missing, `${key}: upstream fields we do not reproduce`).toEqual(differences);
        expect(extra, `${key}: fields we add`).toEqual([]);
      }
    });
  }

  it("refuses the KIC example's relative cookie path, as Kong does", () => {
    expect(() => KongHashOn.cookie('session-id', 'cookie-path')).toThrow(/KongHashOn\.cookie: path must be an absolute path.*cookie-path.*use '\/'/s);
  });

  it('covers hashOn cookie, header and fallbacks, active and passive checks, slots, strip-path and the Service annotation', () => {
    const text = JSON.stringify(CASES.flatMap((c) => readObjects(path.join(EXAMPLES, c.file))));
    for (const needle of ['"cookie":"session-id"', '"header":"session-id"', '"hashOnFallback":{"input":"consumer"}', '"hashOnFallback":{"cookie"', '"slots":100', '"passive":', '"active":', '"konghq.com/strip-path":"true"', '"konghq.com/upstream-policy":"httpbin-httproute"']) {
      expect(text, needle).toContain(needle);
    }
  });
});

describe('KongUpstreamPolicy refusals', () => {
  const chart = () => new Chart(Testing.app(), 'c', { namespace: 'models' });

  it('refuses hashOn without consistent hashing, with the field, value and fix', () => {
    expect(() => new KongUpstreamPolicy(chart(), 'p', { algorithm: 'least-connections', hashOn: KongHashOn.ip() })).toThrow(
      /c\/p: spec\.hashOn needs algorithm 'consistent-hashing'.*least-connections.*set algorithm: 'consistent-hashing'/s,
    );
  });

  it('defaults the algorithm to consistent hashing when hashOn is given', () => {
    const c = chart();
    new KongUpstreamPolicy(c, 'p', { hashOn: KongHashOn.consumer() });
    expect((c.toJson()[0] as any).spec).toEqual({ algorithm: 'consistent-hashing', hashOn: { input: 'consumer' } });
  });

  it('refuses sticky-sessions (Kong Enterprise) and unknown algorithms', () => {
    expect(() => new KongUpstreamPolicy(chart(), 'p', { algorithm: 'sticky-sessions' as any })).toThrow(/spec\.algorithm must be one of .*Kong Enterprise only.*sticky-sessions/s);
  });

  it('refuses a fallback with a cookie hash, a fallback equal to hashOn, and a fallback without hashOn', () => {
    expect(() => new KongUpstreamPolicy(chart(), 'p', { hashOn: KongHashOn.cookie('sid'), hashOnFallback: KongHashOn.ip() })).toThrow(/spec\.hashOnFallback cannot be used with a cookie hashOn/);
    expect(() => new KongUpstreamPolicy(chart(), 'p', { hashOn: KongHashOn.ip(), hashOnFallback: KongHashOn.ip() })).toThrow(/spec\.hashOnFallback is the same as hashOn.*"input":"ip"/s);
    expect(() => new KongUpstreamPolicy(chart(), 'p', { hashOn: KongHashOn.header('a'), hashOnFallback: KongHashOn.header('a') })).toThrow(/is the same as hashOn/);
    expect(() => new KongUpstreamPolicy(chart(), 'p', { hashOn: KongHashOn.header('a'), hashOnFallback: KongHashOn.header('b') })).not.toThrow();
    expect(() => new KongUpstreamPolicy(chart(), 'p', { algorithm: 'consistent-hashing', hashOnFallback: KongHashOn.ip() })).toThrow(/spec\.hashOnFallback needs hashOn/);
  });

  it('refuses bad hash names', () => {
    expect(() => KongHashOn.header('x session')).toThrow(/KongHashOn\.header: name/);
    expect(() => KongHashOn.cookie('a;b')).toThrow(/KongHashOn\.cookie: name must be a cookie name.*a;b/s);
    expect(() => KongHashOn.cookie('sid', 'relative')).toThrow(/KongHashOn\.cookie: path must be an absolute path/);
    expect(() => KongHashOn.uriCapture('1x')).toThrow(/KongHashOn\.uriCapture: name/);
    expect(() => KongHashOn.queryArg('')).toThrow(/KongHashOn\.queryArg: name/);
  });

  it('refuses slots, counters, statuses, intervals outside Kong bounds', () => {
    expect(() => new KongUpstreamPolicy(chart(), 'p', { slots: 5 })).toThrow(/spec\.slots must be an integer from 10 to 65536.*5/s);
    const active = (a: object) => () => new KongUpstreamPolicy(chart(), 'p', { healthchecks: { active: { healthy: { interval: Duration.seconds(5) }, ...a } } });
    expect(active({ unhealthy: { timeouts: 300, interval: Duration.seconds(5) } })).toThrow(/spec\.healthchecks\.active\.unhealthy\.timeouts must be an integer from 0 to 255.*300/s);
    expect(active({ healthy: { interval: Duration.millis(1500) } })).toThrow(/healthy\.interval must be whole seconds from 0 to 65535.*1\.5s/s);
    expect(active({ healthy: { interval: Duration.seconds(5), httpStatuses: [700] } })).toThrow(/healthy\.httpStatuses\[0\] must be an HTTP status from 100 to 599.*700/s);
    expect(active({ timeout: Duration.hours(20) })).toThrow(/active\.timeout must be whole seconds from 0 to 65535.*72000s/s);
    expect(() => new KongUpstreamPolicy(chart(), 'p', { healthchecks: { threshold: 150 } })).toThrow(/spec\.healthchecks\.threshold must be a whole percentage.*150/s);
  });

  it('refuses active checks that never probe', () => {
    expect(() => new KongUpstreamPolicy(chart(), 'p', { healthchecks: { active: { httpPath: '/health', healthy: { successes: 2 } } } })).toThrow(
      /spec\.healthchecks\.active\.healthy\.interval and unhealthy\.interval are both zero or unset, so Kong never runs an active probe/,
    );
  });

  it('refuses passive checks that can take targets down with no active check to bring them back', () => {
    expect(() => new KongUpstreamPolicy(chart(), 'p', { healthchecks: { passive: { unhealthy: { httpFailures: 3 } } } })).toThrow(
      /spec\.healthchecks\.passive\.unhealthy can mark targets unhealthy, but no active check brings them back.*httpFailures.*unhealthy: \{ interval: Duration\.seconds\(10\) \}/s,
    );
    expect(
      () =>
        new KongUpstreamPolicy(chart(), 'p', {
          healthchecks: { passive: { unhealthy: { httpFailures: 3 } }, active: { unhealthy: { interval: Duration.seconds(10) }, healthy: { successes: 2 } } },
        }),
    ).not.toThrow();
  });

  it('refuses credential probe headers without echoing them', () => {
    const t = () => new KongUpstreamPolicy(chart(), 'p', { healthchecks: { active: { healthy: { interval: Duration.seconds(5) }, headers: { Authorization: ['Bearer abcdefghijklmnopqrstuvwxyz0123456789'] } } } });
    expect(t).toThrow(/active\.headers\.Authorization would send a credential header/);
    expect(t).not.toThrow(/abcdefghijklmnop/);
  });

  it('attaches to Services only, in its namespace, one policy per Service', () => {
    const c = chart();
    const svc = new k8s.KubeService(c, 'svc', { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } });
    const cm = new k8s.KubeConfigMap(c, 'cm', { metadata: { name: 'cm' } });
    const p = new KongUpstreamPolicy(c, 'p');
    expect(() => p.attachTo(cm)).toThrow(/c\/p: attachTo takes core v1 Services.*v1 ConfigMap cm.*pass the Service object/s);
    p.attachTo(svc);
    p.attachTo(svc);
    expect(KongUpstreamPolicy.of(svc)).toBe(p);
    expect(() => new KongUpstreamPolicy(c, 'q', { services: [svc] })).toThrow(/c\/q: attachTo names Service 'svc', which already uses KongUpstreamPolicy 'p'/);
    const other = new Chart(c.node.root as App, 'other', { namespace: 'data' });
    const far = new k8s.KubeService(other, 'far', { metadata: { name: 'far' }, spec: { ports: [{ port: 80 }] } });
    expect(() => p.attachTo(far)).toThrow(/names Service 'far' of namespace 'data', but KIC looks the policy up in the Service's namespace, not 'models'/);
  });

  it('refuses at synth a route rule whose backends do not all carry the policy (KIC would ignore it)', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c', { namespace: 'models' });
    const a = new k8s.KubeService(c, 'a', { metadata: { name: 'a' }, spec: { ports: [{ port: 80 }] } });
    new k8s.KubeService(c, 'b', { metadata: { name: 'b' }, spec: { ports: [{ port: 80 }] } });
    new HttpRoute(c, 'r', { parents: [Gateway.fromGatewayName(c, 'gw', 'kong')], rules: [{ backends: [Backend.service('a', 80), Backend.service('b', 80)] }] });
    new KongUpstreamPolicy(c, 'p', { services: [a] });
    expect(() => app.synth()).toThrow(/c\/p: attachTo covers some backends of rule 0 of c\/r but not Service 'models\/b' \(no policy\); KIC then ignores the policy for that rule.*attach this policy to every Service/s);
  });

  it('attaches to a Standard-mode InferenceService through its annotations (KServe copies them to its Services), and checks its routes', () => {
    const { app, ns } = setup(['models'], { requireAccessPolicies: false });
    const a = new InferenceService(ns.models!, 'a', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const b = new InferenceService(ns.models!, 'b', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }) });
    const policy = new KongUpstreamPolicy(ns.models!, 'sticky', { hashOn: KongHashOn.header('x-session-id'), services: [a] });
    expect(KongUpstreamPolicy.of(a)).toBe(policy);
    new HttpRoute(ns.models!, 'r', { parents: [Gateway.fromGatewayName(ns.models!, 'gw', 'kong')], rules: [{ backends: [a, b] }] });
    expect(() => synthObjects(app)).toThrow(/test\/models\/sticky: attachTo covers some backends of rule 0 of test\/models\/r but not Service 'models\/b-predictor' \(no policy\)/);
    policy.attachTo(b);
    const isvc = findObject(synthObjects(app), 'InferenceService', 'a');
    expect(isvc.metadata.annotations?.['konghq.com/upstream-policy']).toBe('sticky');
  });

  it('refuses a Knative-mode InferenceService, whose Services Knative makes', () => {
    const { ns } = setup(['models'], { requireAccessPolicies: false });
    const k = new InferenceService(ns.models!, 'k', { predictor: Predictor.model({ format: ModelFormat.SKLEARN }), deploymentMode: DeploymentMode.KNATIVE });
    expect(() => new KongUpstreamPolicy(ns.models!, 'p', { services: [k] })).toThrow(/test\/models\/p: attachTo names InferenceService 'k' in Knative mode, whose Services Knative makes without the InferenceService's annotations.*DeploymentMode\.STANDARD/s);
  });
});

describe('KongRoute.stripPath refusals', () => {
  it('sets the annotation on an Ingress, and false explicitly', () => {
    const c = new Chart(Testing.app(), 'c');
    const ing = new k8s.KubeIngress(c, 'i', { metadata: { name: 'i' }, spec: {} });
    KongRoute.stripPath(ing, false);
    expect((c.toJson()[0] as any).metadata.annotations).toEqual({ 'konghq.com/strip-path': 'false' });
  });

  it('refuses other objects', () => {
    const c = new Chart(Testing.app(), 'c');
    const svc = new k8s.KubeService(c, 's', { metadata: { name: 's' }, spec: {} });
    expect(() => KongRoute.stripPath(svc)).toThrow(/KongRoute\.stripPath: route must be an HttpRoute or a networking\.k8s\.io\/v1 Ingress.*v1 Service s.*pass the HttpRoute/s);
    const grpc = new GrpcRoute(c, 'g', { parents: [Gateway.fromGatewayName(c, 'gw', 'kong')], rules: [{ backends: [Backend.service('a', 9000)] }] });
    expect(() => KongRoute.stripPath(grpc as any)).toThrow(/route must be an HttpRoute.*a gRPC path \/package\.Service\/Method must reach the backend whole.*c\/g/s);
  });

  it('refuses at synth a route with nothing to strip, and a rule that also rewrites its path', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const gw = Gateway.fromGatewayName(c, 'gw', 'kong');
    const root = new HttpRoute(c, 'root', { parents: [gw], rules: [{ backends: [Backend.service('a', 80)] }] });
    KongRoute.stripPath(root);
    expect(() => app.synth()).toThrow(/c\/root: metadata\.annotations\['konghq\.com\/strip-path'\] is 'true' but every rule matches the path '\/', so there is no prefix to strip/);

    const app2 = Testing.app();
    const c2 = new Chart(app2, 'c');
    const route = new HttpRoute(c2, 'r', { parents: [Gateway.fromGatewayName(c2, 'gw', 'kong')], rules: [{ matches: [{ path: PathMatch.prefix('/v1') }], backends: [Backend.service('a', 80)] }] });
    KongRoute.stripPath(route);
    route.addRule({ matches: [{ path: PathMatch.prefix('/old') }], filters: [HttpRouteFilter.urlRewrite({ path: PathModifier.replacePrefixMatch('/new') })], backends: [Backend.service('a', 80)] });
    expect(() => app2.synth()).toThrow(/rule 1 also rewrites the path with a URLRewrite filter.*use one/s);
  });
});

describe('KongRoute.stripPath twice', () => {
  it('reports a problem once, and not at all once turned off', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const route = new HttpRoute(c, 'root', { parents: [Gateway.fromGatewayName(c, 'gw', 'kong')], rules: [{ backends: [Backend.service('a', 80)] }] });
    KongRoute.stripPath(route);
    KongRoute.stripPath(route);
    expect(() => app.synth()).toThrow(/^(?![\s\S]*no prefix to strip[\s\S]*no prefix to strip)[\s\S]*no prefix to strip/);
    KongRoute.stripPath(route, false);
    expect(() => app.synth()).not.toThrow();
  });
});
