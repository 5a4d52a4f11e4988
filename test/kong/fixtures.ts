import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SecretRef } from '../../src/core/secret-ref';
import { PostgresReference, PostgresReferenceProps } from '../../src/kong/postgres';
import { RedisReference } from '../../src/policy/redis';
import { checkSecurity, formatFinding } from '../../src/security/check';
import { SecurityWaivers } from '../../src/security/waivers';
import { KubeObject } from '../../src/delivery/manifest';
import { formatIssue, validateObjects } from '../../src/validate';

/** A PostgreSQL reference in namespace `data`, password from `kong-pg/password`. */
export function database(props: Partial<PostgresReferenceProps> = {}): PostgresReference {
  return PostgresReference.of({ host: 'postgresql.data.svc.cluster.local', database: 'kong', user: 'kong', password: { secret: SecretRef.named('kong-pg'), key: 'password' }, namespace: 'data', caCertificate: { secret: SecretRef.named('postgresql-ca'), key: 'ca.crt' }, ...props });
}

/** A Redis reference in namespace `data`, password from `redis-auth/password`. */
export function redis(): RedisReference {
  return RedisReference.of({ host: 'redis.data.svc.cluster.local', namespace: 'data', password: { secret: SecretRef.named('redis-auth'), key: 'password' } });
}

/** Security findings over every object under `root`, with the waivers declared in code, formatted. */
export function securityFindings(root: IConstruct): string[] {
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return checkSecurity(objects.map((o) => ({ object: o.toJson(), waivers: SecurityWaivers.of(o) }))).map(formatFinding);
}

/** Validation issues of objects (schemas, CEL, metadata), formatted. */
export function validationIssues(objects: readonly KubeObject[]): string[] {
  return validateObjects(objects.map((object) => ({ object })), { gatewayApiChannel: 'standard' }).map(formatIssue);
}
