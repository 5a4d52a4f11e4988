import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Platform } from './platform';
import { noteRequired } from './required-object';

/** The Secrets the platform's own objects write, as `namespace/name`: ExternalSecret targets and cert-manager Certificates. */
function writtenSecrets(platform: Platform): Set<string> {
  const written = new Set<string>();
  for (const c of platform.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const isExternalSecret = c.kind === 'ExternalSecret' && c.apiVersion.startsWith('external-secrets.io/');
    const isCertificate = c.kind === 'Certificate' && c.apiVersion.startsWith('cert-manager.io/');
    if (!isExternalSecret && !isCertificate) continue;
    const spec = (c.toJson() as { spec?: { secretName?: string; target?: { name?: string } } }).spec ?? {};
    const name = isCertificate ? spec.secretName : (spec.target?.name ?? c.metadata.name);
    if (name) written.add(`${c.metadata.namespace ?? ''}/${name}`);
  }
  return written;
}

/**
 * Notes on the platform that a Secret the platform reads must exist in the
 * cluster: the platform README lists it under "Cluster setup outside
 * dist/", unless an object of the platform writes it (an ExternalSecret's
 * target, a cert-manager Certificate's `secretName`). The library never puts
 * Secret values in `dist/`, so anything else has to be created by the
 * cluster's operators.
 *
 * @param namespace the Secret's namespace (undefined: the scope's chart namespace)
 * @param purpose what reads it, e.g. `KONG_PG_PASSWORD (key password)`
 */
export function noteRequiredSecret(scope: IConstruct, namespace: string | undefined, secretName: string, purpose: string): void {
  const ns = namespace ?? Chart.of(scope).namespace ?? 'default';
  noteRequired(scope, `Secret ${ns}/${secretName}`, purpose, (platform, purposes) =>
    writtenSecrets(platform).has(`${ns}/${secretName}`)
      ? undefined
      : `Create the Secret \`${secretName}\` in namespace \`${ns}\`; nothing in this folder writes it. Read by: ${purposes}. Keep its value out of Git (an ExternalSecret, a sealed secret, or a secret manager's operator).`,
  );
}
