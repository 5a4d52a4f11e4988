import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const ISTIO = 'istio/istio 1.30.3';
const SOURCES = [
  `${ISTIO} pilot/pkg/model/service.go (WorkloadAuthorization and WaypointPolicyStatus GetConditions: ZtunnelAccepted, WaypointAccepted)`,
  `${ISTIO} pilot/pkg/serviceregistry/ambient/authorization.go (UnsupportedValue: ztunnel drops the HTTP rules or the action)`,
  `${ISTIO} pkg/config/analysis/analyzers/conditions/conditions.go (False, and WaypointAccepted PartiallyInvalid, are negative)`,
];

/**
 * AuthorizationPolicy: in ambient mode istiod writes `ZtunnelAccepted`
 * and/or `WaypointAccepted` to `status.conditions` (with
 * `observedGeneration`); in sidecar mode it writes nothing, so a policy
 * without them is Healthy, with a message saying so.
 * - an older generation -> Progressing;
 * - False (Invalid, TargetNotFound, AncestorNotBound...) -> Degraded;
 * - ZtunnelAccepted True UnsupportedValue (ztunnel enforces the policy
 *   without its HTTP rules, so not as written) and WaypointAccepted True
 *   PartiallyInvalid (some targetRefs invalid) -> Degraded, as Istio's own
 *   condition analyzer reports them;
 * - otherwise Healthy.
 */
export const ISTIO_AUTHORIZATION_POLICY_HEALTH: ArgoCdHealthCheck = {
  group: 'security.istio.io',
  kind: 'AuthorizationPolicy',
  sources: SOURCES,
  lua: luaScript({
    title: 'Health of security.istio.io AuthorizationPolicy (cdk8s-model-serving)',
    sources: SOURCES,
    helpers: ['result', 'condition', 'describe', 'stale'],
    body: `
local conditions = nil
if obj.status ~= nil then
  conditions = obj.status.conditions
end
local ztunnel = condition(conditions, "ZtunnelAccepted")
local waypoint = condition(conditions, "WaypointAccepted")
if ztunnel == nil and waypoint == nil then
  return result("Healthy", "No ambient-mode status to judge: istiod writes ZtunnelAccepted or WaypointAccepted only in ambient mode")
end
local found = {}
if ztunnel ~= nil then
  table.insert(found, ztunnel)
end
if waypoint ~= nil then
  table.insert(found, waypoint)
end
local messages = {}
for _, c in ipairs(found) do
  if stale(c.observedGeneration) then
    return result("Progressing", "Waiting for istiod to observe the current generation")
  end
  if c.status == "False" then
    return result("Degraded", describe(c))
  end
  if (c.type == "ZtunnelAccepted" and c.reason == "UnsupportedValue") or (c.type == "WaypointAccepted" and c.reason == "PartiallyInvalid") then
    return result("Degraded", describe(c))
  end
  if c.status ~= "True" then
    return result("Progressing", describe(c))
  end
  table.insert(messages, describe(c))
end
return result("Healthy", table.concat(messages, "; "))
`,
  }),
};
