/**
 * Upstream Kong Ingress Controller examples (`../shared/examples/kong`),
 * rebuilt through this library's Kong constructs and compared with the
 * upstream objects, modulo CRD defaults (both sides go through the
 * validator's `applyDefaults`).
 *
 * Only the Kong kinds we own are rebuilt (KongPlugin, KongConsumer,
 * KongConsumerGroup). Not rebuilt, on purpose:
 * - `Secret`: the upstream credentials carry literal keys and passwords;
 *   this library never emits Secret data (credentials come from a secret
 *   store through ExternalSecrets, see KongCredential), so our consumers
 *   reference the same Secret names only;
 * - `KongClusterPlugin` (cluster-scoped; no L2 here; referenced by name with
 *   `KongPlugin.fromPluginName`), routes, Ingresses, Services, Deployments,
 *   Gateways: other constructs' concern;
 * - Enterprise-only or Konnect kinds and files (KongServiceFacade, Konnect
 *   objects, KongCustomEntity, kafka-log, openid-connect).
 *
 * The shared set has no Kong OSS `rate-limiting` example (only the
 * Enterprise `rate-limiting-advanced` one, rebuilt here with the generic
 * constructor); the OSS rate-limiting factory is covered by the fact tests of
 * kong-plugin.test.ts and compiler.test.ts.
 *
 * Our objects add `metadata.labels` (the platform labels) and, where a typed
 * factory is used instead of the generic constructor, the plugin defaults it
 * spells out; each case lists those extra paths explicitly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Namespace } from '../../../src/core/namespace';
import { SecretRef } from '../../../src/core/secret-ref';
import { KongConsumer } from '../../../src/policy/kong/kong-consumer';
import { KongConsumerGroup } from '../../../src/policy/kong/kong-consumer-group';
import { KongPlugin } from '../../../src/policy/kong/kong-plugin';
import { applyDefaults, formatIssue, validateObject } from '../../../src/validate';
import { setup, synthObjects } from '../../util';

const EXAMPLES = path.resolve(__dirname, '../../../../shared/examples/kong');
const REBUILT_KINDS = new Set(['KongPlugin', 'KongConsumer', 'KongConsumerGroup']);
/** Kinds present in the example files that we do not rebuild, and why. */
const NOT_REBUILT: Readonly<Record<string, string>> = {
  Secret: 'literal credentials: the library never emits Secret data',
  KongClusterPlugin: 'cluster-scoped plugin, referenced by name only',
  Service: 'not a Kong kind',
  Deployment: 'not a Kong kind',
  Ingress: 'not a Kong kind',
  GatewayClass: 'Gateway API, built by src/gateway',
  Gateway: 'Gateway API, built by src/gateway',
  HTTPRoute: 'Gateway API, built by src/routing',
  GRPCRoute: 'Gateway API',
  TCPRoute: 'Gateway API',
  UDPRoute: 'Gateway API',
  TLSRoute: 'Gateway API',
  TCPIngress: 'deprecated Kong stream kind',
  UDPIngress: 'deprecated Kong stream kind',
};
const LABELS = 'metadata.labels';
/** Set-typed lists (`x-kubernetes-list-type: set`): order has no meaning, we sort them. */
const SET_LISTS = ['credentials', 'consumerGroups'];

interface Case {
  /** The file, relative to `examples/kong`. */
  readonly file: string;
  /** Builds the Kong objects of the file in namespace `ns`. */
  readonly build: (ns: Namespace) => void;
  /** The paths our object adds to the upstream one, by `Kind/name`; default: only the platform labels. */
  readonly extras?: Readonly<Record<string, readonly string[]>>;
}

const CASES: readonly Case[] = [
  {
    file: 'kubernetes-ingress-controller/examples/kong-consumer-key-auth.yaml',
    build: (ns) => {
      new KongConsumer(ns, 'consumer1', { username: 'consumer1', credentials: [SecretRef.named('consumer1-auth')] });
      KongPlugin.keyAuth(ns, 'key-auth-1');
    },
    extras: { 'KongPlugin/key-auth-1': ['config', LABELS] },
  },
  {
    file: 'kubernetes-ingress-controller/examples/gateway-acl-key-auth-groups.yaml',
    build: (ns) => {
      new KongConsumer(ns, 'consumer1', { username: 'consumer1', credentials: [SecretRef.named('consumer-auth-1'), SecretRef.named('consumer-acl-1')] });
      new KongConsumer(ns, 'consumer2', { username: 'consumer2', credentials: [SecretRef.named('consumer-auth-2')] });
      KongPlugin.keyAuth(ns, 'key-auth');
      KongPlugin.acl(ns, 'acl-group-1', { allow: ['acl-group-1'] });
    },
    extras: { 'KongPlugin/key-auth': ['config', LABELS], 'KongPlugin/acl-group-1': ['config.hide_groups_header', LABELS] },
  },
  {
    file: 'kubernetes-ingress-controller/examples/consumer-groups.yaml',
    build: (ns) => {
      const cg1 = new KongConsumerGroup(ns, 'cg1');
      new KongConsumer(ns, 'c1', { username: 'c1', consumerGroups: [cg1] });
    },
  },
  {
    file: 'kubernetes-ingress-controller/test/kongintegration/testdata/plugin-auto-fields/key-auth.yaml',
    build: (ns) => {
      new KongPlugin(ns, 'key-auth-auto-field', { plugin: 'key-auth', config: {} });
      new KongConsumer(ns, 'consumer', { username: 'consumer', credentials: [SecretRef.named('consumer-key-auth')] });
    },
  },
  {
    file: 'kubernetes-ingress-controller/test/kongintegration/testdata/plugin-auto-fields/jwt.yaml',
    build: (ns) => {
      KongPlugin.jwt(ns, 'jwt-auto-field');
      new KongConsumer(ns, 'consumer', { username: 'consumer', credentials: [SecretRef.named('consumer-jwt')] });
    },
    extras: {
      'KongPlugin/jwt-auto-field': ['config.claims_to_verify', 'config.cookie_names', 'config.header_names', 'config.key_claim_name', 'config.uri_param_names', LABELS],
    },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/kongplugin-instance-name/in.yaml',
    build: (ns) => {
      new KongPlugin(ns, 'kong-id', { plugin: 'correlation-id', config: { header_name: 'kong-id' }, instanceName: 'example' });
    },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/consumer-group-example-ee/in.yaml',
    build: (ns) => {
      const g1 = new KongConsumerGroup(ns, 'consumer-group-1');
      const g2 = new KongConsumerGroup(ns, 'consumer-group-2');
      new KongConsumer(ns, 'consumer-1', { username: 'consumer-1', consumerGroups: [g1] });
      new KongConsumer(ns, 'consumer-2', { username: 'consumer-2', consumerGroups: [g1, g2] });
    },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/fallback-config-kong-cluster-plugin/in.yaml',
    build: (ns) => {
      const group = new KongConsumerGroup(ns, 'consumer-group', { plugins: [KongPlugin.fromPluginName(ns, 'plugin-consumer-group-ref', 'plugin-consumer-group')] });
      new KongConsumer(ns, 'consumer', { username: 'consumer', consumerGroups: [group], plugins: [KongPlugin.fromPluginName(ns, 'plugin-ref', 'plugin')] });
    },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/fallback-config-secret/in.yaml',
    build: (ns) => {
      new KongPlugin(ns, 'plugin', { plugin: 'key-auth', configFrom: { secret: SecretRef.named('secret'), key: 'key' } });
    },
  },
  {
    file: 'kubernetes-ingress-controller/internal/dataplane/testdata/golden/ingress-v1-rule-with-tls-and-consumer/in.yaml',
    build: (ns) => {
      new KongConsumer(ns, 'consumer', { username: 'consumer', credentials: [SecretRef.named('consumer-basic-auth')] });
    },
  },
  {
    file: 'kubernetes-ingress-controller/examples/gateway-httproute-broken-plugin-fallback.yaml',
    build: (ns) => {
      // Upstream's deliberately broken config (`keys` instead of `key_names`): the generic constructor passes config through.
      new KongPlugin(ns, 'key-auth', { plugin: 'key-auth', config: { keys: ['key'] } });
    },
  },
  {
    file: 'kubernetes-ingress-controller/test/kongintegration/testdata/plugin-auto-fields/rate-limiting-advanced-ee.yaml',
    build: (ns) => {
      new KongPlugin(ns, 'rate-limiting-advanced-auto-field', { plugin: 'rate-limiting-advanced', config: { limit: [200], window_size: [1800], window_type: 'fixed' } });
    },
  },
];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** CRD defaults applied; namespace and server-set uid dropped (ours live in a test namespace); set lists sorted. */
function normalize(o: Json): Json {
  const copy = applyDefaults(structuredClone(o));
  const meta = copy.metadata as Json;
  delete meta.namespace;
  delete meta.uid;
  for (const k of SET_LISTS) if (Array.isArray(copy[k])) copy[k] = [...(copy[k] as string[])].sort();
  return copy;
}

/** Paths of `upstream` whose value differs in (or is missing from) `ours`. */
function missing(upstream: unknown, ours: unknown, at = ''): string[] {
  if (isObject(upstream)) {
    if (!isObject(ours)) return [at];
    return Object.keys(upstream).flatMap((k) => missing(upstream[k], ours[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(upstream)) {
    if (!Array.isArray(ours) || ours.length !== upstream.length) return [at];
    return upstream.flatMap((v, i) => missing(v, ours[i], `${at}[${i}]`));
  }
  return upstream === ours ? [] : [at];
}

/** Paths present in `ours` but not in `upstream` (the topmost absent key). */
function extra(upstream: unknown, ours: unknown, at = ''): string[] {
  if (isObject(ours) && isObject(upstream)) {
    return Object.keys(ours).flatMap((k) => (k in upstream ? extra(upstream[k], ours[k], at ? `${at}.${k}` : k) : [at ? `${at}.${k}` : k]));
  }
  if (Array.isArray(ours) && Array.isArray(upstream)) return ours.flatMap((v, i) => extra(upstream[i], v, `${at}[${i}]`));
  return [];
}

function readUpstream(file: string): Json[] {
  return parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter(isObject);
}

describe('upstream Kong examples rebuilt through our constructs', () => {
  it('covers key-auth, jwt, acl, rate limiting and consumers (with groups) in at least 6 files', () => {
    const plugins = new Set<string>();
    let consumers = 0;
    for (const c of CASES) {
      for (const o of readUpstream(c.file)) {
        if (o.kind === 'KongPlugin') plugins.add(o.plugin as string);
        if (o.kind === 'KongConsumer') consumers++;
      }
    }
    expect(CASES.length).toBeGreaterThanOrEqual(6);
    expect([...plugins].sort()).toEqual(['acl', 'correlation-id', 'jwt', 'key-auth', 'rate-limiting-advanced']);
    expect(consumers).toBeGreaterThanOrEqual(8);
  });

  for (const c of CASES) {
    it(c.file, () => {
      const upstream = readUpstream(c.file);
      const skipped = upstream.filter((o) => !REBUILT_KINDS.has(o.kind as string));
      for (const o of skipped) expect(NOT_REBUILT, `${o.kind as string} has no reason to be skipped`).toHaveProperty([o.kind as string]);

      const { app, ns } = setup(['examples'], { requireAccessPolicies: false });
      c.build(ns.examples as Namespace);
      const ours = synthObjects(app).filter((o) => REBUILT_KINDS.has(o.kind));
      const key = (o: Json) => `${o.kind as string}/${(o.metadata as Json).name as string}`;
      const expected = upstream.filter((o) => REBUILT_KINDS.has(o.kind as string));
      expect(ours.map((o) => key(o as unknown as Json)).sort()).toEqual(expected.map(key).sort());

      for (const up of expected) {
        const mine = ours.find((o) => key(o as unknown as Json) === key(up)) as unknown as Json;
        expect(validateObject(mine).map(formatIssue), key(up)).toEqual([]);
        const a = normalize(up);
        const b = normalize(mine);
        expect(missing(a, b), `${key(up)}: upstream fields we do not reproduce`).toEqual([]);
        expect(extra(a, b).sort(), `${key(up)}: fields we add`).toEqual([...(c.extras?.[key(up)] ?? [LABELS])].sort());
      }
    });
  }

  it('has Secrets with literal credentials upstream, which we never rebuild', () => {
    const secrets = CASES.flatMap((c) => readUpstream(c.file)).filter((o) => o.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.some((s) => isObject(s.stringData) || isObject(s.data))).toBe(true);
  });
});
