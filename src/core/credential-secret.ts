import { invalid } from './errors';
import { assertDnsSubdomain } from './names';
import { hasProperty, PropScope, requireShape } from './prop-types';
import type { ISecretReference } from './secret-ref';

/** True when `v` has the shape of an {@link ISecretReference} (a string `secretName`). */
function isSecretReference(v: unknown): v is ISecretReference {
  return hasProperty(v, 'secretName') && typeof (v as ISecretReference).secretName === 'string';
}

/**
 * The Secret reference a credential field holds (an API key, a credentials
 * file, a client secret). A string is refused without echoing it: it is
 * either the credential itself or a Secret name typed as a string.
 *
 * @param example the `SecretRef.named(...)` call the fix shows, e.g. `SecretRef.named('openai-api-key')`
 * @throws ModelServingError for a string (value redacted), anything else that is not a Secret reference, or a `secretName` that is not a DNS-1123 subdomain
 */
export function requireCredentialSecret(scope: PropScope, field: string, value: unknown, example = "SecretRef.named('openai-api-key')"): ISecretReference {
  if (typeof value === 'string') {
    invalid(scope, field, 'is a string: a credential is a Secret reference, never a value (nor a Secret name typed as a string)', '<redacted>', `pass ${example} and create that Secret outside dist/ (an ExternalSecret or your secret manager)`);
  }
  const ref = requireShape(scope, field, value, isSecretReference, 'a Secret reference', `pass ${example}`);
  assertDnsSubdomain(scope, `${field}.secretName`, ref.secretName);
  return ref;
}
