import { ArgoCdHealthCheck } from './check';
import { luaScript, luaSet } from './lua';

const KSERVE = 'kserve/kserve v0.20.0';
const SOURCES = [
  `${KSERVE} pkg/apis/serving/v1alpha2/llm_inference_service_lifecycle.go (Ready = WorkloadsReady + RouterReady; PresetsCombined, GroupReady, GroupDegraded outside the rollup)`,
  `${KSERVE} pkg/controller/v1alpha2/llmisvc/{workload,workload_single_node,workload_multi_node,router,router_validation,router_group,scheduler,scaling,config_merge}.go (reasons)`,
];

/**
 * Reasons the KServe controller sets on a sub-condition (and so on `Ready`,
 * which takes the first false sub-condition's reason) when retrying will not
 * help: reconcile and fetch errors, invalid references, a missing CRD or
 * platform precondition, a rollout past its progress deadline. Other
 * reasons (a Deployment, LeaderWorkerSet, Gateway, HTTPRoute or
 * InferencePool not ready yet, an autoscaler coming up) are waits.
 */
export const LLM_INFERENCE_SERVICE_FAILURE_REASONS: readonly string[] = [
  'CombineBaseError',
  'ConfigNotFound',
  'GatewayPreconditionNotMet',
  'HTTPRouteFetchError',
  'HTTPRouteReconcileError',
  'InferencePoolFetchError',
  'PlatformNetworkingReconcileError',
  'ProgressDeadlineExceeded',
  'ReconcileCertsError',
  'ReconcileMultiNodeWorkloadError',
  'ReconcileScalingError',
  'ReconcileSingleNodeWorkloadError',
  'ReconcileWorkloadPermissionsError',
  'ReconcileWorkloadServiceError',
  'RefsInvalid',
  'ScalingCRDNotFound',
  'SchedulerReconcileError',
];

/**
 * LLMInferenceService (Knative-style `status.conditions`,
 * `status.observedGeneration`):
 * - PresetsCombined=False: Stopped -> Suspended, otherwise (ConfigNotFound,
 *   CombineBaseError) -> Degraded;
 * - Ready=True -> Healthy, unless GroupDegraded=True or GroupReady=False
 *   (a traffic-split group with unresolved members) -> Degraded;
 * - Ready not True: Stopped -> Suspended, a reason of
 *   {@link LLM_INFERENCE_SERVICE_FAILURE_REASONS} -> Degraded, otherwise
 *   Progressing (with the controller's message).
 */
export const LLM_INFERENCE_SERVICE_HEALTH: ArgoCdHealthCheck = {
  group: 'serving.kserve.io',
  kind: 'LLMInferenceService',
  sources: SOURCES,
  lua: luaScript({
    title: 'Health of serving.kserve.io LLMInferenceService (cdk8s-model-serving)',
    sources: SOURCES,
    helpers: ['result', 'condition', 'describe', 'stale'],
    body: `
local FAILURES = ${luaSet(LLM_INFERENCE_SERVICE_FAILURE_REASONS)}
local status = obj.status
if status == nil or status.conditions == nil or #status.conditions == 0 then
  return result("Progressing", "Waiting for the KServe controller to report status")
end
if stale(status.observedGeneration) then
  return result("Progressing", "Waiting for the KServe controller to observe the current generation")
end
local presets = condition(status.conditions, "PresetsCombined")
if presets ~= nil and presets.status == "False" then
  if presets.reason == "Stopped" then
    return result("Suspended", describe(presets))
  end
  return result("Degraded", describe(presets))
end
local ready = condition(status.conditions, "Ready")
if ready == nil then
  return result("Progressing", "Waiting for the KServe controller to report Ready")
end
if ready.status == "True" then
  local groupReady = condition(status.conditions, "GroupReady")
  if groupReady ~= nil and groupReady.status == "False" and groupReady.reason ~= "FinalizationPending" then
    return result("Degraded", describe(groupReady))
  end
  local groupDegraded = condition(status.conditions, "GroupDegraded")
  if groupDegraded ~= nil and groupDegraded.status == "True" then
    return result("Degraded", describe(groupDegraded))
  end
  return result("Healthy", "LLMInferenceService is ready")
end
if ready.reason == "Stopped" then
  return result("Suspended", describe(ready))
end
if FAILURES[ready.reason] then
  return result("Degraded", describe(ready))
end
return result("Progressing", describe(ready))
`,
  }),
};
