import { Duration } from 'cdk8s';
import * as fs from 'node:fs';
import { k8s } from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { BackendReference, IBackend } from '../core/backend';
import { renderContainer, TMP_VOLUME, toL1Shape } from '../core/container';
import { refuseCredential } from '../core/credential-refusal';
import { invalid } from '../core/errors';
import { assertInteger, INT32_MAX } from '../core/props';
import { Labels } from '../core/labels';
import { Namespace } from '../core/namespace';
import { NetworkFlows } from '../core/flows';
import { proxyFlowPeer } from '../gateway/proxy-flow-peer';
import { assertDnsLabel } from '../core/names';
import { NetworkPeer } from '../core/network-peer';
import { Probe } from '../core/probe';
import { ResourceRequirements } from '../core/resources';
import { WorkloadSecurity } from '../core/security';
import { ServiceAccount } from '../core/service-account';
import { IGateway } from '../gateway/gateway';
import { InputFileError, readInputText } from '../core/read-input';
import { checkProps, childPath } from '../core/prop-types';

/**
 * The most data a ConfigMap holds: 1 MiB.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.33.0/pkg/apis/core/validation/validation.go (ValidateConfigMap: totalSize > core.MaxSecretSize)
 */
const MAX_CONFIGMAP_BYTES = 1024 * 1024;

/** The OPA image with the Envoy ext_authz plugin (pinned). */
export const DEFAULT_OPA_IMAGE = 'openpolicyagent/opa:1.9.0-envoy-6-static';
/** gRPC port of the Envoy ext_authz plugin. */
export const OPA_GRPC_PORT = 9191;
/** Port of OPA's health and metrics endpoints. */
export const OPA_DIAGNOSTIC_PORT = 8282;

/** Props of {@link OpaAuthorizer}. */
export interface OpaAuthorizerProps {
  /** Name of the Deployment, Service, ConfigMap and ServiceAccount. @default - the construct id */
  readonly name?: string;
  /** Path of the Rego policy file, read at synth time into a ConfigMap. Its package must expose `allow` at `decisionPath`. */
  readonly policyFile: string;
  /** The rule the plugin evaluates (package path and rule). @default 'envoy/authz/allow' */
  readonly decisionPath?: string;
  /** The OPA Envoy image, pinned. @default DEFAULT_OPA_IMAGE */
  readonly image?: string;
  /** Replicas (a PodDisruptionBudget is added above 1). @default 2 */
  readonly replicas?: number;
  /** Container resources. @default requests 100m/128Mi, limits 500m/256Mi */
  readonly resources?: ResourceRequirements;
}

/**
 * An Open Policy Agent server with the Envoy ext_authz gRPC plugin: the
 * external authorizer gateways call after authentication. Emits a
 * ServiceAccount (no API token), a ConfigMap with the Rego policy, a
 * Deployment under the restricted profile (read-only root, pinned image,
 * probes), a Service on 9191, a PodDisruptionBudget, and NetworkPolicies
 * that admit only the gateways that use it.
 *
 * @see https://www.openpolicyagent.org/docs/envoy
 */
export class OpaAuthorizer extends Construct implements IBackend {
  /** The Service name. */
  public readonly serviceName: string;
  /** The namespace. */
  public readonly serviceNamespace: string;
  /** The pod labels. */
  public readonly podLabels: Readonly<Record<string, string>>;
  private readonly namespaceChart: Namespace;

  public constructor(scope: Construct, id: string, props: OpaAuthorizerProps) {
    checkProps(childPath(scope, id), props, 'OpaAuthorizerProps');
    super(scope, id);
    this.serviceName = assertDnsLabel(this, 'name', props.name ?? id);
    this.namespaceChart = Namespace.of(this);
    this.serviceNamespace = this.namespaceChart.name;
    if (!fs.existsSync(props.policyFile)) invalid(this, 'policyFile', 'does not exist', props.policyFile, 'give the path of a .rego file in the repository');
    let rego: string;
    try {
      // The policy becomes a ConfigMap, which the apiserver caps at 1 MiB of data (core.MaxSecretSize, ValidateConfigMap).
      rego = readInputText(props.policyFile, MAX_CONFIGMAP_BYTES);
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      invalid(this, 'policyFile', err.detail, props.policyFile, err.problem === 'too-large' ? 'split the policy or shorten it (it is stored in a ConfigMap)' : 'give the path of a regular .rego file in the repository');
    }
    if (!/^package\s+[\w.]+/m.test(rego)) invalid(this, 'policyFile', 'is not a Rego policy (no package declaration)', props.policyFile, 'start the file with "package envoy.authz"');
    refuseCredential(this, 'policyFile', rego, 'read secrets in the policy from the authorizer environment (opa.runtime().env, set from a Secret) instead of writing them in the .rego file, which is embedded in a ConfigMap');
    const decisionPath = props.decisionPath ?? 'envoy/authz/allow';
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) invalid(this, 'replicas', 'must be an integer >= 1', replicas, 'use 2 for availability');
    assertInteger(this, 'replicas', replicas, { min: 1, max: INT32_MAX, type: 'int32: Deployment spec.replicas', fix: 'use 2 for availability' });
    this.podLabels = { [Labels.NAME]: this.serviceName, [Labels.COMPONENT]: 'external-authorizer' };
    const security = WorkloadSecurity.RESTRICTED;

    const sa = new ServiceAccount(this, 'ServiceAccount', { name: this.serviceName });
    new k8s.KubeConfigMap(this, 'Policy', { metadata: { name: `${this.serviceName}-policy` }, data: { 'policy.rego': rego } });
    const container = renderContainer(
      this,
      'container',
      {
        image: props.image ?? DEFAULT_OPA_IMAGE,
        name: 'opa',
        args: [
          'run',
          '--server',
          '--addr=127.0.0.1:8181',
          `--diagnostic-addr=0.0.0.0:${OPA_DIAGNOSTIC_PORT}`,
          `--set=plugins.envoy_ext_authz_grpc.addr=:${OPA_GRPC_PORT}`,
          `--set=plugins.envoy_ext_authz_grpc.path=${decisionPath}`,
          '--set=decision_logs.console=true',
          '/policy/policy.rego',
        ],
        ports: [
          { containerPort: OPA_GRPC_PORT, name: 'grpc' },
          { containerPort: OPA_DIAGNOSTIC_PORT, name: 'diagnostic' },
        ],
        resources: props.resources ?? { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        readinessProbe: Probe.http('/health?plugins', OPA_DIAGNOSTIC_PORT),
        livenessProbe: Probe.http('/health', OPA_DIAGNOSTIC_PORT, { period: Duration.seconds(20) }),
      },
      { name: 'opa', security },
    );
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.serviceName },
      spec: {
        replicas,
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels: { ...this.podLabels } },
          spec: {
            serviceAccountName: sa.serviceAccountName,
            automountServiceAccountToken: false,
            securityContext: security.pod(),
            containers: [
              toL1Shape<k8s.Container>({
                ...container,
                volumeMounts: [...(container.volumeMounts ?? []), { name: 'policy', mountPath: '/policy', readOnly: true }],
              }),
            ],
            volumes: [{ ...TMP_VOLUME }, { name: 'policy', configMap: { name: `${this.serviceName}-policy` } }],
            topologySpreadConstraints:
              replicas > 1 ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.podLabels } } }] : undefined,
          },
        },
      },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName },
      spec: { selector: { ...this.podLabels }, ports: [{ name: 'grpc', port: OPA_GRPC_PORT, targetPort: k8s.IntOrString.fromNumber(OPA_GRPC_PORT), appProtocol: 'kubernetes.io/h2c' }] },
    });
    if (replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', { metadata: { name: this.serviceName }, spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.podLabels } } } });
    }
  }

  /** The ext_authz gRPC Service (`<name>:9191`). */
  public get backendRef(): BackendReference {
    return { name: this.serviceName, namespace: this.serviceNamespace, port: OPA_GRPC_PORT, owner: this, pods: { selector: { ...this.podLabels }, port: OPA_GRPC_PORT } };
  }

  /**
   * Lets `gateway`'s proxy pods (and only them) call the authorizer: an
   * ingress allow here and, when the proxies run in a namespace of the
   * platform, the matching egress allow there.
   */
  public allowGateway(gateway: IGateway): void {
    const dp = gateway.dataPlane;
    if (!dp) invalid(this, 'allowGateway', 'needs a gateway whose proxy pods are known (set its provider)', gateway.gatewayName, 'create the Gateway with provider: GatewayProvider.X');
    NetworkFlows.declare(this, { from: proxyFlowPeer(gateway.gatewayName, dp), to: { namespace: this.serviceNamespace, labels: { ...this.podLabels }, what: `OPA ${this.serviceName}` }, port: OPA_GRPC_PORT, purpose: 'external authorization (ext_authz) of the gateway' });
    this.namespaceChart.allowIngress(`${this.serviceName}-from-${gateway.gatewayName}`, {
      pods: { ...this.podLabels },
      peers: [NetworkPeer.pods(dp.namespace, dp.selector)],
      ports: [{ port: OPA_GRPC_PORT }],
    });
    const gwNs = this.namespaceChart.platform.node.children.find((c): c is Namespace => Namespace.isNamespace(c) && c.name === dp.namespace);
    gwNs?.allowEgress(`${gateway.gatewayName}-to-${this.serviceName}`, {
      pods: dp.selector,
      peers: [NetworkPeer.pods(this.serviceNamespace, { ...this.podLabels })],
      ports: [{ port: OPA_GRPC_PORT }],
    });
  }
}
