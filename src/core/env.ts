import { IConstruct } from 'constructs';
import { isCredentialKey } from './credentials';
import { refuseCredential } from './credential-refusal';
import { invalid } from './errors';
import { isDnsSubdomain } from './names';
import { ISecretReference } from './secret-ref';
import { noteRequiredSecret } from './required-secret';
import { checkedRecord } from './records';

/** A rendered Kubernetes `env[]` entry. */
export interface EnvVarJson {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

/**
 * The value of an environment variable that is not a plain literal: a key of
 * a Secret or ConfigMap, or a pod field. Secret values are always referenced,
 * never embedded.
 */
export class EnvValue {
  /**
   * A key of a Secret (`valueFrom.secretKeyRef`).
   *
   * @throws ModelServingError when the Secret has no name (a `secretKeyRef`
   *   without `name` is refused by the apiserver inside a Deployment, and
   *   only fails when KServe or another controller creates the pods) or the key is empty
   */
  public static fromSecret(secret: ISecretReference, key: string): EnvValue {
    checkSecretKeyRef('EnvValue.fromSecret', 'secretKeyRef', secret?.secretName, key);
    return new EnvValue({ secretKeyRef: { name: secret.secretName, key } });
  }

  /** A key of a ConfigMap (`valueFrom.configMapKeyRef`). */
  public static fromConfigMap(configMapName: string, key: string): EnvValue {
    return new EnvValue({ configMapKeyRef: { name: configMapName, key } });
  }

  /** A pod field such as `metadata.name` or `status.podIP` (`valueFrom.fieldRef`). */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ fieldRef: { fieldPath } });
  }

  private constructor(
    /** The rendered `valueFrom`. */
    public readonly valueFrom: NonNullable<EnvVarJson['valueFrom']>,
  ) {}
}

/** Environment variables: literal strings or {@link EnvValue} references, by name. */
export type EnvVars = Record<string, string | EnvValue>;

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Renders `env[]` sorted by name (so output does not depend on declaration
 * order), each variable after those its value refers to as `$(NAME)`
 * (Kubernetes expands only references to variables defined earlier in the
 * list), refusing literal values for credential-looking names.
 *
 * @throws ModelServingError for an invalid name, or a literal value for a name such as `HF_TOKEN` or `DB_PASSWORD`
 */
export function renderEnv(scope: IConstruct, field: string, env: EnvVars | undefined): EnvVarJson[] | undefined {
  if (env === undefined) return undefined;
  if (env === null || typeof env !== 'object' || Array.isArray(env)) invalid(scope, field, 'must be an object of environment variables by name', env, "pass e.g. { LOG_LEVEL: 'info' }");
  env = checkedRecord(scope, field, env);
  const names = envOrder(env);
  if (names.length === 0) return undefined;
  return names.map((name) => {
    if (!ENV_NAME.test(name)) invalid(scope, `${field}.${name}`, 'is not a valid environment variable name', name, 'use letters, digits, _, - and .');
    const v = (env as EnvVars)[name];
    if (typeof v === 'string') {
      // One rule for names and values (credentialKindFor): `HF_TOKEN: '...'` is refused, `MAX_TOKEN: '4096'` is a setting.
      refuseCredential(scope, `${field}.${name}`, v, `set it from a Secret: ${name}: EnvValue.fromSecret(SecretRef.named('my-secret'), 'key')`, name);
      return { name, value: v };
    }
    if (v === null || typeof v !== 'object' || typeof (v as Partial<EnvValue>).valueFrom !== 'object') {
      invalid(scope, `${field}.${name}`, 'must be a string or an EnvValue', isCredentialKey(name) ? '<redacted>' : v, `write the value as a string, or reference it: EnvValue.fromSecret(SecretRef.named('my-secret'), 'key')`);
    }
    const ref = v.valueFrom.secretKeyRef;
    if (ref) checkSecretKeyRef(scope, `${field}.${name}.valueFrom.secretKeyRef`, ref.name, ref.key);
    if (ref?.name) noteRequiredSecret(scope, undefined, ref.name, `environment variable ${name} (key ${ref.key}) of ${scope.node.path}`);
    return { name, valueFrom: v.valueFrom };
  });
}

/** The names sorted, each after the names of the list its value refers to as `$(NAME)` (a reference cycle, which Kubernetes cannot expand either, is cut where it is reached). */
function envOrder(env: EnvVars): string[] {
  const refs = (name: string): string[] => {
    const v = env[name];
    if (typeof v !== 'string') return [];
    return [...v.matchAll(/\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g)].map((m) => m[1]).filter((r) => r !== name && r in env).sort();
  };
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    refs(name).forEach(visit);
    out.push(name);
  };
  Object.keys(env).sort().forEach(visit);
  return out;
}

/** A `secretKeyRef` names a Secret (a DNS-1123 subdomain) and a non-empty key. */
function checkSecretKeyRef(scope: IConstruct | string, field: string, name: unknown, key: unknown): void {
  if (typeof name !== 'string' || !isDnsSubdomain(name)) {
    invalid(scope, `${field}.name`, 'must name the Secret (a DNS-1123 subdomain): a secretKeyRef without a name is refused when the controller creates the pod', name, "pass the Secret: EnvValue.fromSecret(SecretRef.named('my-secret'), 'key')");
  }
  if (typeof key !== 'string' || key.trim() === '') invalid(scope, `${field}.key`, 'must name a key of the Secret', key, "pass the key, e.g. EnvValue.fromSecret(SecretRef.named('my-secret'), 'token')");
}
