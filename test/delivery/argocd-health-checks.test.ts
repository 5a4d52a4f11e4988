import { describe, expect, it } from 'vitest';
import { ARGOCD_HEALTH_CHECKS, ArgoCdHealthCheck } from '../../src/delivery/argocd/health-checks';
import { LLM_INFERENCE_SERVICE_FAILURE_REASONS } from '../../src/delivery/argocd/health/kserve';
import { runHealth } from './argocd-health-lua';

/** Status samples, written from each controller's source (see the check's `sources`), run in a Lua VM. */

const check = (group: string, kind: string): ArgoCdHealthCheck => {
  const found = ARGOCD_HEALTH_CHECKS.find((c) => c.group === group && c.kind === kind);
  if (!found) throw new Error(`no check for ${group}/${kind}`);
  return found;
};

interface Sample {
  readonly apiVersion: string;
  readonly kind: string;
  readonly generation?: number;
  readonly wave?: string;
  readonly spec?: unknown;
  readonly status?: unknown;
}

const object = (s: Sample) => ({
  apiVersion: s.apiVersion,
  kind: s.kind,
  metadata: { name: 'sample', namespace: 'models', generation: s.generation ?? 2, annotations: s.wave === undefined ? undefined : { 'argocd.argoproj.io/sync-wave': s.wave } },
  spec: s.spec ?? {},
  status: s.status,
});

const cond = (type: string, status: string, reason: string, message: string, observedGeneration = 2) => ({ type, status, reason, message, observedGeneration, lastTransitionTime: '2026-12-01T00:00:00Z' });

async function expectHealth(c: ArgoCdHealthCheck, sample: Omit<Sample, 'apiVersion' | 'kind'>, status: string, message?: string): Promise<void> {
  const result = await runHealth(c.lua, object({ apiVersion: `${c.group}/v1`, kind: c.kind, ...sample }));
  expect(result.status, `${c.kind}: ${result.message}`).toBe(status);
  if (message !== undefined) expect(result.message).toContain(message);
}

describe('Kuadrant policies (AuthPolicy, RateLimitPolicy, TokenRateLimitPolicy, TLSPolicy, TelemetryPolicy)', () => {
  const routeTarget = { targetRef: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'granite' } };
  const gatewayTarget = { targetRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'maas' } };
  const accepted = (kind: string) => cond('Accepted', 'True', 'Accepted', `${kind} has been accepted`);

  for (const [group, kind] of [
    ['kuadrant.io', 'AuthPolicy'],
    ['kuadrant.io', 'RateLimitPolicy'],
    ['kuadrant.io', 'TokenRateLimitPolicy'],
    ['kuadrant.io', 'TLSPolicy'],
    ['extensions.kuadrant.io', 'TelemetryPolicy'],
  ]) {
    const c = check(group, kind);
    it(`${kind}: no status yet is Progressing`, async () => {
      await expectHealth(c, { spec: gatewayTarget }, 'Progressing', 'Waiting for the Kuadrant operator');
    });
    it(`${kind}: accepted and enforced is Healthy`, async () => {
      await expectHealth(c, { spec: routeTarget, status: { observedGeneration: 2, conditions: [accepted(kind), cond('Enforced', 'True', 'Enforced', `${kind} has been successfully enforced`)] } }, 'Healthy', `${kind} has been successfully enforced`);
    });
    it(`${kind}: each Accepted=False reason is Degraded with the operator's message`, async () => {
      const failures: Array<[string, string]> = [
        ['Invalid', `${kind} target is invalid: spec.rules is empty`],
        ['Conflicted', `${kind} is conflicted by llm/other: conflicting rule`],
        ['Unknown', `${kind} has encountered some issues: boom`],
        ['MissingDependency', '[Authorino Operator] is not installed, please restart Kuadrant Operator pod once dependency has been installed'],
        ['TargetNotFound', `${kind} target maas was not found`],
      ];
      for (const [reason, message] of failures) {
        await expectHealth(c, { spec: gatewayTarget, status: { observedGeneration: 2, conditions: [cond('Accepted', 'False', reason, message)] } }, 'Degraded', message);
      }
    });
    it(`${kind}: each Enforced=False failure is Degraded with the operator's message; Unknown is Progressing; Overridden is Healthy`, async () => {
      const enforced = (reason: string, message: string) => ({ observedGeneration: 2, conditions: [accepted(kind), cond('Enforced', 'False', reason, message)] });
      await expectHealth(c, { spec: gatewayTarget, status: enforced('MissingDependency', '[Limitador Operator] is not installed') }, 'Degraded', '[Limitador Operator] is not installed');
      await expectHealth(c, { spec: gatewayTarget, status: enforced('MissingResource', 'limitador is not installed, please create resource') }, 'Degraded', 'limitador is not installed, please create resource');
      await expectHealth(c, { spec: gatewayTarget, status: enforced('InvalidCelExpression', 'validation issues: [bad predicate]') }, 'Degraded', 'validation issues: [bad predicate]');
      await expectHealth(c, { spec: gatewayTarget, status: enforced('Unknown', `${kind} waiting for the following components to sync: [Limitador]`) }, 'Progressing', 'waiting for the following components to sync');
      await expectHealth(c, { spec: gatewayTarget, status: enforced('Overridden', `${kind} is overridden by [llm/route-policy]`) }, 'Healthy', 'is overridden by');
    });
    it(`${kind}: a status of an older generation is Progressing`, async () => {
      await expectHealth(c, { generation: 3, spec: gatewayTarget, status: { observedGeneration: 2, conditions: [accepted(kind), cond('Enforced', 'True', 'Enforced', 'ok')] } }, 'Progressing', 'current generation');
    });
  }

  it('a policy synced before the route it protects (wave 6 < 7) does not hold the sync: no status or TargetNotFound is Healthy with the reason', async () => {
    const c = check('kuadrant.io', 'AuthPolicy');
    await expectHealth(c, { wave: '6', spec: routeTarget }, 'Healthy', 'Argo CD syncs after this policy');
    await expectHealth(c, { wave: '6', spec: routeTarget, status: { observedGeneration: 2, conditions: [cond('Accepted', 'False', 'TargetNotFound', 'AuthPolicy target granite was not found')] } }, 'Healthy', 'AuthPolicy target granite was not found');
    // A Gateway target is synced in an earlier wave: missing, it is a failure.
    await expectHealth(c, { wave: '6', spec: gatewayTarget, status: { observedGeneration: 2, conditions: [cond('Accepted', 'False', 'TargetNotFound', 'AuthPolicy target maas was not found')] } }, 'Degraded', 'AuthPolicy target maas was not found');
    // The same route target in a later wave than the routes: the route exists, so it is judged.
    await expectHealth(c, { wave: '8', spec: routeTarget }, 'Progressing');
    // A gateway-wide policy whose routes come later: "not in the path to any existing routes" does not hold the sync.
    const noRoutes = { observedGeneration: 2, conditions: [accepted('AuthPolicy'), cond('Enforced', 'False', 'Unknown', 'AuthPolicy is not in the path to any existing routes')] };
    await expectHealth(c, { wave: '6', spec: gatewayTarget, status: noRoutes }, 'Healthy', 'not in the path to any existing routes');
    await expectHealth(c, { wave: '8', spec: gatewayTarget, status: noRoutes }, 'Progressing', 'not in the path to any existing routes');
  });
});

describe('Kuadrant and Limitador', () => {
  it('Kuadrant: Ready True is Healthy; components starting are Progressing; a missing dependency is Degraded', async () => {
    const c = check('kuadrant.io', 'Kuadrant');
    await expectHealth(c, {}, 'Progressing', 'Waiting for the Kuadrant operator');
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'True', 'Ready', 'Kuadrant is ready')] } }, 'Healthy', 'Kuadrant is ready');
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'False', 'LimitadorNotReady', 'Deployment has replicas not ready yet')] } }, 'Progressing', 'Deployment has replicas not ready yet');
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'False', 'AuthorinoNotReady', 'authorino resource not in topology')] } }, 'Progressing', 'authorino resource not in topology');
    const missing = '[Gateway API provider (istio / envoy gateway)] is not installed, please restart Kuadrant Operator pod once dependency has been installed';
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'False', 'MissingDependency', missing)] } }, 'Degraded', missing);
    await expectHealth(c, { generation: 3, status: { observedGeneration: 2, conditions: [cond('Ready', 'True', 'Ready', 'Kuadrant is ready')] } }, 'Progressing');
  });

  it('Limitador: Ready True is Healthy; not available yet is Progressing; a reconciliation error is Degraded', async () => {
    const c = check('limitador.kuadrant.io', 'Limitador');
    await expectHealth(c, {}, 'Progressing', 'Waiting for the Limitador operator');
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'True', 'Ready', 'Limitador is ready')] } }, 'Healthy', 'Limitador is ready');
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'False', 'LimitadorNotAvailable', 'Deployment still in progress')] } }, 'Progressing', 'Deployment still in progress');
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('Ready', 'False', 'ReconcilliationError', 'storage: redis URL secret not found')] } }, 'Degraded', 'storage: redis URL secret not found');
    await expectHealth(c, { generation: 5, status: { observedGeneration: 4, conditions: [cond('Ready', 'True', 'Ready', 'Limitador is ready')] } }, 'Progressing');
  });
});

describe('kgateway policies (TrafficPolicy, HTTPListenerPolicy, BackendConfigPolicy)', () => {
  const gateway = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kgateway', namespace: 'kgateway-system' };
  const ancestor = (...conditions: unknown[]) => ({ ancestors: [{ ancestorRef: gateway, controllerName: 'kgateway.dev/kgateway', conditions }] });
  const acceptedOk = cond('Accepted', 'True', 'Valid', 'Policy accepted');
  for (const kind of ['TrafficPolicy', 'HTTPListenerPolicy', 'BackendConfigPolicy']) {
    const c = check('gateway.kgateway.dev', kind);
    it(`${kind}: no ancestor yet, or Pending, is Progressing`, async () => {
      await expectHealth(c, { spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kgateway' }] } }, 'Progressing', 'Waiting for kgateway');
      await expectHealth(c, { status: ancestor(cond('Accepted', 'False', 'Pending', ''), cond('Attached', 'False', 'Pending', '')) }, 'Progressing', 'Accepted=False (Pending)');
      await expectHealth(c, { status: ancestor(acceptedOk, cond('Attached', 'False', 'Pending', '')) }, 'Progressing', 'Attached=False (Pending)');
    });
    it(`${kind}: accepted and attached (or merged) is Healthy`, async () => {
      await expectHealth(c, { status: ancestor(acceptedOk, cond('Attached', 'True', 'Attached', 'Attached to all targets')) }, 'Healthy');
      await expectHealth(c, { status: ancestor(acceptedOk, cond('Attached', 'True', 'Merged', 'Merged with other policies in target(s) and attached')) }, 'Healthy');
    });
    it(`${kind}: Accepted=False Invalid is Degraded with kgateway's errors; Overridden is Healthy with the message`, async () => {
      const errors = 'extauth: gateway extension kgateway-system/ext-auth not found';
      await expectHealth(c, { status: ancestor(cond('Accepted', 'False', 'Invalid', errors), cond('Attached', 'False', 'Pending', '')) }, 'Degraded', `Gateway/kgateway: Accepted=False (Invalid): ${errors}`);
      await expectHealth(c, { status: ancestor(acceptedOk, cond('Attached', 'False', 'Overridden', 'Overridden due to conflict with higher priority policy in target(s)')) }, 'Healthy', 'Overridden due to conflict');
    });
    it(`${kind}: conditions of an older generation are Progressing; the StatusSummarized entry is skipped`, async () => {
      await expectHealth(c, { generation: 3, status: ancestor(acceptedOk, cond('Attached', 'True', 'Attached', 'ok')) }, 'Progressing', 'current generation');
      const summary = { ancestorRef: { group: 'gateway.kgateway.dev', name: 'StatusSummary' }, conditions: [cond('StatusSummarized', 'True', 'StatusSummary', '3 AncestorRefs ignored due to max status size')] };
      await expectHealth(c, { status: { ancestors: [...ancestor(acceptedOk, cond('Attached', 'True', 'Attached', 'ok')).ancestors, summary] } }, 'Healthy');
    });
  }

  it('a TrafficPolicy synced before the route it targets (wave 6 < 7) is Healthy while kgateway has not attached it', async () => {
    const c = check('gateway.kgateway.dev', 'TrafficPolicy');
    await expectHealth(c, { wave: '6', spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'sklearn-iris' }] } }, 'Healthy', 'Not attached yet');
  });
});

describe('Envoy Gateway policies (SecurityPolicy, BackendTrafficPolicy, ClientTrafficPolicy)', () => {
  const ancestor = (...conditions: unknown[]) => ({ ancestors: [{ ancestorRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg' }, controllerName: 'gateway.envoyproxy.io/gatewayclass-controller', conditions }] });
  for (const kind of ['SecurityPolicy', 'BackendTrafficPolicy', 'ClientTrafficPolicy']) {
    const c = check('gateway.envoyproxy.io', kind);
    it(`${kind}: no ancestor is Progressing, Accepted is Healthy (warnings kept), Accepted=False is Degraded with the message`, async () => {
      await expectHealth(c, { spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg' }] } }, 'Progressing', 'Waiting for Envoy Gateway');
      await expectHealth(c, { status: ancestor(cond('Accepted', 'True', 'Accepted', 'Policy has been accepted.')) }, 'Healthy');
      await expectHealth(c, { status: ancestor(cond('Accepted', 'True', 'Accepted', 'Policy has been accepted.'), cond('Warning', 'True', 'DeprecatedField', 'spec.targetRef is deprecated, use spec.targetRefs')) }, 'Healthy', 'spec.targetRef is deprecated');
      await expectHealth(c, { status: ancestor(cond('Accepted', 'True', 'Accepted', 'ok'), cond('Overridden', 'True', 'Overridden', 'This policy is being overridden by other securityPolicies for these routes: [llm/granite]')) }, 'Healthy', 'being overridden');
      for (const [reason, message] of [
        ['Invalid', 'JWT: remote JWKS URI must use https'],
        ['Conflicted', 'Unable to target Gateway eg, another SecurityPolicy has already attached to it'],
        ['TargetNotFound', 'Unable to find target HTTPRoute llm/granite'],
      ]) {
        await expectHealth(c, { status: ancestor(cond('Accepted', 'False', reason, message)) }, 'Degraded', message);
      }
      await expectHealth(c, { generation: 4, status: ancestor(cond('Accepted', 'True', 'Accepted', 'ok')) }, 'Progressing', 'current generation');
    });
  }
});

describe('KongConsumer and KongConsumerGroup', () => {
  for (const kind of ['KongConsumer', 'KongConsumerGroup']) {
    const c = check('configuration.konghq.com', kind);
    it(`${kind}: Programmed True is Healthy, Invalid is Degraded with KIC message, Pending and the CRD default are Progressing`, async () => {
      await expectHealth(c, {}, 'Progressing', 'Waiting for the Kong Ingress Controller');
      await expectHealth(c, { status: { conditions: [cond('Programmed', 'True', 'Programmed', 'Object was successfully configured in Kong.')] } }, 'Healthy', 'successfully configured in Kong');
      await expectHealth(c, { status: { conditions: [cond('Programmed', 'False', 'Invalid', 'Object failed to be configured in Kong - see its attached Events for more information.')] } }, 'Degraded', 'failed to be configured in Kong');
      await expectHealth(c, { status: { conditions: [cond('Programmed', 'False', 'Pending', 'Object is pending configuration in Kong.')] } }, 'Progressing', 'pending configuration in Kong');
      await expectHealth(c, { status: { conditions: [{ type: 'Programmed', status: 'Unknown', reason: 'Pending', message: 'Waiting for controller', lastTransitionTime: '1970-01-01T00:00:00Z' }] } }, 'Progressing', 'Waiting for controller');
      await expectHealth(c, { generation: 3, status: { conditions: [cond('Programmed', 'True', 'Programmed', 'ok')] } }, 'Progressing', 'current generation');
    });
  }
});

describe('prometheus-operator PodMonitor, ServiceMonitor, PrometheusRule', () => {
  const binding = (condition: unknown) => ({ group: 'monitoring.coreos.com', resource: 'prometheuses', name: 'k8s', namespace: 'monitoring', conditions: [condition] });
  for (const kind of ['PodMonitor', 'ServiceMonitor', 'PrometheusRule']) {
    const c = check('monitoring.coreos.com', kind);
    it(`${kind}: no bindings (feature gate off) is Healthy with the reason; Accepted is Healthy; rejected is Degraded with the error`, async () => {
      await expectHealth(c, {}, 'Healthy', 'StatusForConfigurationResources');
      await expectHealth(c, { status: { bindings: [binding(cond('Accepted', 'True', '', ''))] } }, 'Healthy', 'prometheuses/monitoring/k8s');
      const error = 'relabel configuration for replace action needs targetLabel value';
      await expectHealth(c, { status: { bindings: [binding(cond('Accepted', 'False', 'InvalidConfiguration', error))] } }, 'Degraded', error);
      await expectHealth(c, { status: { bindings: [binding(cond('Accepted', 'Unknown', '', 'operator could not determine'))] } }, 'Progressing', 'operator could not determine');
      await expectHealth(c, { generation: 3, status: { bindings: [binding(cond('Accepted', 'True', '', ''))] } }, 'Progressing', 'current generation');
    });
  }
});

describe('LLMInferenceService', () => {
  const c = check('serving.kserve.io', 'LLMInferenceService');
  const status = (...conditions: unknown[]) => ({ observedGeneration: 2, conditions: [cond('PresetsCombined', 'True', '', ''), ...conditions] });
  it('no status is Progressing; Ready is Healthy; waiting reasons are Progressing with the message', async () => {
    await expectHealth(c, {}, 'Progressing', 'Waiting for the KServe controller');
    await expectHealth(c, { status: status(cond('Ready', 'True', '', ''), cond('WorkloadsReady', 'True', '', ''), cond('RouterReady', 'True', '', '')) }, 'Healthy');
    await expectHealth(c, { status: status(cond('Ready', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.')) }, 'Progressing', 'Deployment does not have minimum availability.');
    await expectHealth(c, { status: status(cond('Ready', 'False', 'InferencePoolNotReady', 'The inference pool llm/granite-pool is not ready')) }, 'Progressing', 'is not ready');
    await expectHealth(c, { generation: 3, status: status(cond('Ready', 'True', '', '')) }, 'Progressing', 'current generation');
  });
  it('each failure reason is Degraded with the controller message; Stopped is Suspended', async () => {
    for (const reason of LLM_INFERENCE_SERVICE_FAILURE_REASONS) {
      await expectHealth(c, { status: status(cond('Ready', 'False', reason, `${reason}: failed for llm/granite`)) }, 'Degraded', `${reason}: failed for llm/granite`);
    }
    await expectHealth(c, { status: { observedGeneration: 2, conditions: [cond('PresetsCombined', 'False', 'ConfigNotFound', 'LLMInferenceServiceConfig llm/preset not found')] } }, 'Degraded', 'LLMInferenceServiceConfig llm/preset not found');
    await expectHealth(c, { status: status(cond('Ready', 'False', 'Stopped', 'Service is stopped')) }, 'Suspended', 'Service is stopped');
    await expectHealth(c, { status: status(cond('Ready', 'True', '', ''), cond('GroupDegraded', 'True', 'BackendResolutionFailed', 'member llm/b could not be resolved')) }, 'Degraded', 'member llm/b could not be resolved');
    await expectHealth(c, { status: status(cond('Ready', 'True', '', ''), cond('GroupReady', 'False', 'ModelNameMismatch', 'group members serve different model names')) }, 'Degraded', 'group members serve different model names');
  });
});

describe('InferencePool', () => {
  const c = check('inference.networking.k8s.io', 'InferencePool');
  const parent = (...conditions: unknown[]) => ({ parents: [{ parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference-gateway' }, controllerName: 'kgateway.dev/kgateway', conditions }] });
  it('no parent is Progressing (Healthy before the protected routes), accepted is Healthy, each failure is Degraded with the message', async () => {
    await expectHealth(c, {}, 'Progressing', 'Waiting for a Gateway');
    await expectHealth(c, { wave: '5' }, 'Healthy', 'after the pool');
    await expectHealth(c, { status: parent(cond('Accepted', 'Unknown', 'Pending', 'Waiting for controller')) }, 'Progressing', 'Waiting for controller');
    await expectHealth(c, { status: parent(cond('Accepted', 'True', 'Accepted', ''), cond('ResolvedRefs', 'True', 'ResolvedRefs', ''), cond('Exported', 'False', 'NotRequested', 'no export requested')) }, 'Healthy');
    for (const [type, reason, message] of [
      ['Accepted', 'NotSupportedByParent', 'Gateway does not support InferencePool backends'],
      ['Accepted', 'HTTPRouteNotAccepted', 'HTTPRoute llm/granite was rejected'],
      ['Accepted', 'EndpointPickerRefMissing', 'spec.endpointPickerRef is required by this implementation'],
      ['ResolvedRefs', 'InvalidExtensionRef', 'Service llm/granite-epp not found'],
      ['Exported', 'NotSupported', 'export to clusters is not supported'],
    ]) {
      const conditions = type === 'Accepted' ? [cond(type, 'False', reason, message)] : [cond('Accepted', 'True', 'Accepted', ''), cond(type, 'False', reason, message)];
      await expectHealth(c, { status: parent(...conditions) }, 'Degraded', message);
    }
    await expectHealth(c, { generation: 3, status: parent(cond('Accepted', 'False', 'HTTPRouteNotAccepted', 'old')) }, 'Progressing', 'current generation');
  });
});

describe('Istio AuthorizationPolicy', () => {
  const c = check('security.istio.io', 'AuthorizationPolicy');
  it('no ambient status is Healthy with the reason; accepted is Healthy; False, UnsupportedValue and PartiallyInvalid are Degraded with istiod message', async () => {
    await expectHealth(c, {}, 'Healthy', 'only in ambient mode');
    await expectHealth(c, { status: { conditions: [cond('ZtunnelAccepted', 'True', 'Accepted', 'attached to ztunnel')] } }, 'Healthy', 'attached to ztunnel');
    const dropped = 'ztunnel does not support HTTP attributes (found: methods). In ambient mode you must use a waypoint proxy to enforce HTTP rules.';
    await expectHealth(c, { status: { conditions: [cond('ZtunnelAccepted', 'True', 'UnsupportedValue', dropped)] } }, 'Degraded', dropped);
    await expectHealth(c, { status: { conditions: [cond('WaypointAccepted', 'True', 'PartiallyInvalid', 'Invalid targetRefs: Gateway/missing')] } }, 'Degraded', 'Invalid targetRefs: Gateway/missing');
    await expectHealth(c, { status: { conditions: [cond('WaypointAccepted', 'False', 'TargetNotFound', 'not bound: Service llm/granite not found')] } }, 'Degraded', 'Service llm/granite not found');
    await expectHealth(c, { generation: 3, status: { conditions: [cond('ZtunnelAccepted', 'False', 'UnsupportedValue', 'old')] } }, 'Progressing', 'current generation');
  });
});

describe('every check', () => {
  it('is Lua 5.1 that Argo CD can run: no goto or labels, no integer division, no bit operators, no string or math library, no string methods', () => {
    for (const c of ARGOCD_HEALTH_CHECKS) {
      // Strip comments and string literals first: their text is free.
      const code = c.lua.replace(/--[^\n]*/g, '').replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
      expect(code, c.kind).not.toMatch(/\bgoto\b|::|\/\/|<<|>>|&|~(?!=)|\|/);
      expect(code, c.kind).not.toMatch(/\b(string|math|io|utf8|coroutine|debug)\s*\./);
      expect(code, c.kind).not.toMatch(/[\w)\]"]:[A-Za-z_]\w*\s*\(/);
    }
  });

  it('returns a known Argo CD health status for an object without status, and cites its upstream sources', async () => {
    for (const c of ARGOCD_HEALTH_CHECKS) {
      const result = await runHealth(c.lua, object({ apiVersion: `${c.group}/v1`, kind: c.kind }));
      expect(['Healthy', 'Progressing'], c.kind).toContain(result.status);
      expect(result.message, c.kind).not.toBe('');
      expect(c.sources.length, c.kind).toBeGreaterThan(0);
      for (const s of c.sources) expect(c.lua, c.kind).toContain(s);
    }
  });
});
