import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const GAIE = 'kubernetes-sigs/gateway-api-inference-extension v1.6.0';
const SOURCES = [`${GAIE} api/v1/inferencepool_types.go (status.parents[]: Accepted, ResolvedRefs, Exported and their reasons)`];

/**
 * InferencePool: `status.parents[]`, one per Gateway whose routes reference
 * the pool, each with `Accepted` (True; False NotSupportedByParent,
 * HTTPRouteNotAccepted, EndpointPickerRefMissing; Unknown Pending),
 * `ResolvedRefs` (False InvalidExtensionRef) and `Exported` (False
 * NotRequested is deliberate; False NotSupported is a failure).
 * - no parent -> Progressing, or Healthy when the pool is synced before
 *   the protected routes that will reference it;
 * - Unknown/Pending or an older generation -> Progressing;
 * - any False listed above -> Degraded with the Gateway's message;
 * - otherwise Healthy.
 */
export const INFERENCE_POOL_HEALTH: ArgoCdHealthCheck = {
  group: 'inference.networking.k8s.io',
  kind: 'InferencePool',
  sources: SOURCES,
  lua: luaScript({
    title: 'Health of inference.networking.k8s.io InferencePool (cdk8s-model-serving)',
    sources: SOURCES,
    helpers: ['result', 'condition', 'describe', 'stale', 'beforeProtectedRoutes'],
    body: `
local parents = nil
if obj.status ~= nil then
  parents = obj.status.parents
end
if parents == nil or #parents == 0 then
  if beforeProtectedRoutes() then
    return result("Healthy", "No Gateway reports this pool yet: Argo CD syncs the routes that reference it after the pool")
  end
  return result("Progressing", "Waiting for a Gateway to accept the pool (no route of a Gateway references it yet)")
end
local waiting = nil
for _, parent in ipairs(parents) do
  local name = "Gateway/unknown"
  if parent.parentRef ~= nil then
    name = tostring(parent.parentRef.kind or "Gateway") .. "/" .. tostring(parent.parentRef.name)
  end
  local accepted = condition(parent.conditions, "Accepted")
  local resolved = condition(parent.conditions, "ResolvedRefs")
  local exported = condition(parent.conditions, "Exported")
  if accepted ~= nil and stale(accepted.observedGeneration) then
    waiting = waiting or (name .. ": waiting for the Gateway to observe the current generation")
  elseif accepted ~= nil and accepted.status == "False" then
    return result("Degraded", name .. ": " .. describe(accepted))
  elseif resolved ~= nil and resolved.status == "False" then
    return result("Degraded", name .. ": " .. describe(resolved))
  elseif exported ~= nil and exported.status == "False" and exported.reason ~= "NotRequested" then
    return result("Degraded", name .. ": " .. describe(exported))
  elseif accepted == nil then
    waiting = waiting or (name .. ": waiting for the Gateway to accept the pool")
  elseif accepted.status ~= "True" then
    waiting = waiting or (name .. ": " .. describe(accepted))
  end
end
if waiting ~= nil then
  return result("Progressing", waiting)
end
return result("Healthy", "InferencePool is accepted by its Gateways")
`,
  }),
};
