import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Platform } from './platform';

const purposesByPlatform = new WeakMap<Platform, Map<string, Set<string>>>();

/**
 * Adds a setup note `topic` to the platform of `scope` for something the
 * cluster must provide, collecting every `purpose` noted under that topic.
 * `render` gets the purposes (sorted, `; `-joined) when the README is
 * written, and returns undefined when the platform turns out to provide the
 * thing itself. Nothing happens outside a platform (no README to note it in).
 */
export function noteRequired(scope: IConstruct, topic: string, purpose: string, render: (platform: Platform, purposes: string) => string | undefined): void {
  const platform = Platform.tryOf(scope);
  if (!platform) return;
  let byTopic = purposesByPlatform.get(platform);
  if (!byTopic) purposesByPlatform.set(platform, (byTopic = new Map()));
  let purposes = byTopic.get(topic);
  if (!purposes) byTopic.set(topic, (purposes = new Set()));
  purposes.add(purpose);
  const all = purposes;
  platform.addSetupNote(topic, () => render(platform, [...all].sort().join('; ')));
}

/** A cluster object a platform's objects refer to by name. */
export interface RequiredObject {
  /** The kind, e.g. `ClusterSecretStore`, `ClusterIssuer`, `StorageClass`. */
  readonly kind: string;
  /** Its namespace; undefined for a cluster-scoped kind. */
  readonly namespace?: string;
  /** Its name. */
  readonly name: string;
  /** What refers to it, e.g. `secretStoreRef of ExternalSecret llm/keys`. */
  readonly purpose: string;
  /** What the cluster's operators must do, one sentence, e.g. `Create it with the External Secrets Operator, pointing at the secret store.` */
  readonly setup: string;
}

/**
 * Notes on the platform that an object it refers to by name must exist in
 * the cluster: the platform README lists it under "Cluster setup outside
 * dist/", unless the platform itself emits an object of that kind, namespace
 * and name. Objects that fail a sync wave when missing (an ExternalSecret
 * without its store, a Certificate without its issuer, a claim without its
 * storage class) are listed this way, from the reference itself.
 */
export function noteRequiredObject(scope: IConstruct, required: RequiredObject): void {
  const { kind, namespace, name } = required;
  noteRequired(scope, `${kind} ${namespace ? `${namespace}/` : ''}${name}`, required.purpose, (platform, purposes) => {
    const emitted = platform.node.findAll().some((c) => c instanceof ApiObject && c.kind === kind && c.name === name && (c.metadata.namespace ?? undefined) === namespace);
    if (emitted) return undefined;
    const where = namespace ? ` in namespace \`${namespace}\`` : '';
    return `The ${kind} \`${name}\`${where} must exist; nothing in this folder creates it, and what refers to it does not become ready without it. Referred to by: ${purposes}. ${required.setup}`;
  });
}
