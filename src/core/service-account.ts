import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { assertDnsSubdomain, checkedAnnotations } from './names';
import { ISecretReference } from './secret-ref';
import { checkProps, childPath } from './prop-types';

/** A ServiceAccount a workload can run as. */
export interface IServiceAccount {
  /** `metadata.name`. */
  readonly serviceAccountName: string;
}

/** Props of {@link ServiceAccount}. */
export interface ServiceAccountProps {
  /** `metadata.name`. @default - the construct id */
  readonly name?: string;
  /** `metadata.annotations` (e.g. `eks.amazonaws.com/role-arn`). @default - none */
  readonly annotations?: Record<string, string>;
  /** `secrets`: Secrets attached by name (KServe reads storage credentials from them). @default - none */
  readonly secrets?: readonly ISecretReference[];
  /** `automountServiceAccountToken`. @default false (workloads that call the API server opt in) */
  readonly automountServiceAccountToken?: boolean;
}

/**
 * A Kubernetes ServiceAccount: a dedicated identity for a workload, with the
 * API token not mounted unless asked for.
 *
 * @see https://kubernetes.io/docs/concepts/security/service-accounts/
 */
export class ServiceAccount extends Construct implements IServiceAccount {
  public readonly serviceAccountName: string;
  /** The L1 object. */
  public readonly resource: k8s.KubeServiceAccount;

  public constructor(scope: Construct, id: string, props: ServiceAccountProps = {}) {
    checkProps(childPath(scope, id), props, 'ServiceAccountProps');
    super(scope, id);
    this.serviceAccountName = assertDnsSubdomain(this, 'name', props.name ?? id);
    this.resource = new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.serviceAccountName, annotations: checkedAnnotations(this, props.annotations) },
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      secrets: props.secrets?.map((s) => ({ name: s.secretName })),
    });
  }
}
