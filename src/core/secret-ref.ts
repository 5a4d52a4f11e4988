import { assertDnsLabel, assertDnsSubdomain } from './names';

/**
 * A reference to a Secret by name: TLS certificates, credentials, API keys.
 * The library never reads or embeds the Secret's data; only its name reaches `dist/`.
 * A cert-manager `Certificate` implements it with its `secretName`.
 */
export interface ISecretReference {
  /** The Secret's name. */
  readonly secretName: string;
  /** The Secret's namespace. @default - the namespace of the object that refers to it */
  readonly namespace?: string;
}

/** Secrets referenced by name (the Secret itself is created outside `dist/`, e.g. by cert-manager or External Secrets). */
export class SecretRef {
  /**
   * A Secret by name.
   *
   * @param secretName Secret name (DNS-1123 subdomain)
   * @param options `namespace` for a Secret in another namespace (a ReferenceGrant there must allow it)
   * @throws ModelServingError for a name that is not a DNS-1123 subdomain (an empty name included) or a namespace that is not a DNS-1123 label
   */
  public static named(secretName: string, options: { readonly namespace?: string } = {}): ISecretReference {
    assertDnsSubdomain('SecretRef.named', 'secretName', secretName);
    if (options.namespace !== undefined) assertDnsLabel('SecretRef.named', 'namespace', options.namespace);
    return { secretName, namespace: options.namespace };
  }

  private constructor() {}
}
