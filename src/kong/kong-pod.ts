import { k8s } from 'cdk8s-plus-34';
import { IConstruct } from 'constructs';
import { ContainerJson, ContainerOptions, renderContainer, toL1Shape } from '../core/container';
import { Labels } from '../core/labels';
import { NetworkFlows } from '../core/flows';
import { Namespace } from '../core/namespace';
import { NetworkPeer } from '../core/network-peer';
import { WorkloadSecurity } from '../core/security';
import { PostgresReference } from './postgres';

/** Kong Gateway OSS 3.9.1, the last open-source Kong Gateway release line (`kong` official image). */
export const KONG_IMAGE = 'kong:3.9.1';
/** Kong Ingress Controller 3.5.13 (the release whose CRDs the library validates against). */
export const KONG_INGRESS_CONTROLLER_IMAGE = 'kong/kubernetes-ingress-controller:3.5.13';
/** Kong's working directory (`prefix`) on an emptyDir, so the root filesystem can stay read-only. */
export const KONG_PREFIX_PATH = '/kong_prefix';
/** Value of `app.kubernetes.io/name` on every Kong pod (what `GatewayProvider.KONG` and `KongMonitoring` select). */
export const KONG_APP_NAME = 'kong';

/** The labels of a Kong pod: name `kong`, the instance and the component (`proxy`, `migrations`, `backup`). */
export function kongPodLabels(instance: string, component: string): Record<string, string> {
  return { [Labels.NAME]: KONG_APP_NAME, [Labels.COMPONENT]: component, 'app.kubernetes.io/instance': instance };
}

/** The emptyDir that backs {@link KONG_PREFIX_PATH}. */
export const KONG_PREFIX_VOLUME = { name: 'kong-prefix', emptyDir: {} } as const;

/** A container rendered by the library plus extra volume mounts, in the L1 shape. */
export function kongContainer(
  scope: IConstruct,
  field: string,
  options: Omit<ContainerOptions, 'name'> & { readonly name: string },
  extraMounts: ReadonlyArray<{ readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }> = [],
): k8s.Container {
  const rendered: ContainerJson = renderContainer(scope, field, options, { name: options.name, security: WorkloadSecurity.RESTRICTED });
  const mounts = [...(rendered.volumeMounts ?? []), ...extraMounts.map((m) => ({ ...m }))];
  return toL1Shape<k8s.Container>({ ...rendered, volumeMounts: mounts.length > 0 ? mounts : undefined });
}

/** The pod `securityContext` of every Kong workload: restricted, uid/gid 1000 (the `kong` user of the image). */
export function kongPodSecurity(): k8s.PodSecurityContext {
  return WorkloadSecurity.RESTRICTED.pod();
}

/**
 * Opens egress from the pods `selector` of `namespace` to the PostgreSQL
 * server (its namespace when known, else any address) on its port, and
 * declares the flow for each object in `owners` (rule SEC-N07).
 */
export function allowPostgresEgress(namespace: Namespace, id: string, selector: Record<string, string>, database: PostgresReference, owners: readonly IConstruct[] = [], what = 'Kong'): string {
  const ns = database.props.namespace;
  const server = `PostgreSQL ${database.props.host}`;
  for (const owner of owners) {
    NetworkFlows.declare(owner, {
      from: { namespace: namespace.name, labels: selector, what },
      to: ns ? { namespace: ns, labels: {}, what: server } : NetworkFlows.internet(server),
      port: database.port,
      purpose: 'the Kong database',
    });
  }
  return namespace.allowEgress(id, { pods: selector, peers: [ns ? NetworkPeer.namespace(ns) : NetworkPeer.anywhere()], ports: [{ port: database.port }] });
}

/** The mounts every Kong container that connects to the database needs: the prefix, and the database CA when given. */
export function kongDatabaseMounts(database: PostgresReference): Array<{ readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }> {
  const ca = database.caVolumeMount();
  return [{ name: KONG_PREFIX_VOLUME.name, mountPath: KONG_PREFIX_PATH }, ...(ca ? [ca] : [])];
}

/** The volumes of {@link kongDatabaseMounts}: the prefix emptyDir, and the database CA when given. */
export function kongDatabaseVolumes(database: PostgresReference): k8s.Volume[] {
  const ca = database.caVolume();
  return [{ ...KONG_PREFIX_VOLUME, emptyDir: {} }, ...(ca ? [ca] : [])];
}

/** The Kong environment every Kong process of a workload shares: database, prefix, no phone-home. */
export function kongBaseEnvironment(database: PostgresReference): ContainerOptions['env'] {
  return { ...database.kongEnvironment(), KONG_PREFIX: KONG_PREFIX_PATH, KONG_ANONYMOUS_REPORTS: 'off' };
}
