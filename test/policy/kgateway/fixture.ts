import * as path from 'node:path';
import { Backend } from '../../../src/core/backend';
import { SecretRef } from '../../../src/core/secret-ref';
import { AllowedRoutes } from '../../../src/gateway/allowed-routes';
import { Gateway } from '../../../src/gateway/gateway';
import { GatewayProvider } from '../../../src/gateway/gateway-provider';
import { Listener } from '../../../src/gateway/listener';
import { AccessPolicy, AccessPolicyProps } from '../../../src/policy/access-policy';
import { JwtAuth } from '../../../src/policy/authentication';
import { OpaAuthorizer } from '../../../src/policy/opa-authorizer';
import { RateLimit, RateLimitMode } from '../../../src/policy/rate-limit';
import { RedisReference } from '../../../src/policy/redis';
import { Tier } from '../../../src/policy/tier';
import { HttpRoute } from '../../../src/routing/http-route';
import { KubeObject } from '../../../src/delivery/manifest';
import { validateObjects, ValidationIssue } from '../../../src/validate';
import { setup } from '../../util';

/** The Rego policy the OPA authorizer of the fixtures loads. */
export const REGO = path.join(__dirname, 'fixtures', 'authz.rego');

/**
 * A small kgateway platform: a Gateway in `kgateway-system`, two model
 * routes (`sklearn-iris`, `tensorflow-mnist`) in `ml-models`, an OPA
 * authorizer in `auth`, and the three tiers of the reference platform
 * (basic 100/min on iris, premium 1000/min inheriting basic and adding
 * mnist, admin unlimited on everything).
 */
export function fixture() {
  const { app, platform, ns } = setup(['kgateway-system', 'ml-models', 'auth']);
  const gateway = new Gateway(ns['kgateway-system'], 'kgateway-gateway', {
    provider: GatewayProvider.KGATEWAY,
    listeners: [Listener.https({ certificates: [SecretRef.named('kgateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([ns['ml-models'], ns.auth]) })],
  });
  const iris = new HttpRoute(ns['ml-models'], 'iris', { name: 'sklearn-iris', parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('sklearn-iris-predictor', 80)] }] });
  const mnist = new HttpRoute(ns['ml-models'], 'mnist', { name: 'tensorflow-mnist', parents: [gateway.listener('https')], rules: [{ backends: [Backend.service('tensorflow-mnist-predictor', 80)] }] });
  const basic = new Tier('basic', { limits: [RateLimit.perMinute(100)], models: [iris] });
  const premium = new Tier('premium', { limits: [RateLimit.perMinute(1000)], models: [mnist], inherits: basic });
  const admin = new Tier('admin', { unlimited: true, models: '*', inherits: premium });
  const redis = RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data', password: { secret: SecretRef.named('redis-auth'), key: 'password' } });
  const jwt = () =>
    new JwtAuth({
      issuer: 'https://auth.example.com/',
      jwksUri: 'https://auth.example.com/.well-known/jwks.json',
      audiences: ['models'],
      jwksBackend: Backend.ref({ group: 'gateway.kgateway.dev', kind: 'Backend', name: 'auth-example-jwks' }),
    });
  const opa = () => new OpaAuthorizer(ns.auth, 'opa', { policyFile: REGO });
  const policy = (props: Partial<AccessPolicyProps> = {}, id = 'model-access') =>
    new AccessPolicy(ns['ml-models'], id, {
      gateway,
      routes: [iris, mnist],
      authentication: [jwt()],
      tiers: [basic, premium, admin],
      rateLimitMode: RateLimitMode.GLOBAL,
      redis,
      ...props,
    });
  return { app, platform, ns, gateway, iris, mnist, basic, premium, admin, redis, jwt, opa, policy };
}

const GO_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/**
 * The validation issues of `objects` (schema, list types, CEL rules of the
 * pinned CRDs). The validator's CEL library lacks the global
 * `matches(string, string)` overload that kgateway's duration rules use;
 * those issues are checked here instead, against the same RE2 pattern, and
 * dropped only when the value matches.
 */
export function validationIssues(objects: readonly KubeObject[]): ValidationIssue[] {
  const issues = validateObjects(
    objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })),
    { gatewayApiChannel: 'standard' },
  );
  return issues.filter((i) => {
    if (!i.message.includes("no matching overload for 'matches'") || i.rule !== "matches(self, '^([0-9]{1,5}(h|m|s|ms)){1,4}$')") return true;
    const object = objects.find((o) => o.kind === i.kind && o.metadata.name === i.name);
    const value = i.path.replace(/\[(\d+)\]/g, '.$1').split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], object);
    return !(typeof value === 'string' && GO_DURATION.test(value));
  });
}
