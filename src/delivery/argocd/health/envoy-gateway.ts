import { ArgoCdHealthCheck } from './check';
import { ancestorPolicyCheck } from './policy-ancestors';

const EG = 'envoyproxy/gateway v1.9.0';
const SOURCES = [
  `${EG} internal/gatewayapi/status/policy.go (Accepted True, or False with the resolve or translation error; Warning)`,
  `${EG} api/v1alpha1/shared_types.go (Overridden, Merged, Warning condition types)`,
];

/**
 * Envoy Gateway policies (`status.ancestors[]`, gwv1.PolicyStatus): per
 * ancestor `Accepted` (True Accepted; False Invalid, Conflicted,
 * TargetNotFound... with the error), plus informational `Overridden`,
 * `Merged`, `Warning` (True) and `Aggregated`.
 * - no ancestor -> Progressing (Healthy while its target route comes in a later wave);
 * - an older generation -> Progressing;
 * - Accepted=False -> Degraded with Envoy Gateway's message;
 * - Accepted=True -> Healthy; Overridden or Warning True add their message.
 */
function policyCheck(kind: string): ArgoCdHealthCheck {
  return ancestorPolicyCheck({
    group: 'gateway.envoyproxy.io',
    kind,
    controller: 'Envoy Gateway',
    sources: SOURCES,
    accepted: 'accepted by Envoy Gateway',
    loop: `
for _, ancestor in ipairs(ancestors) do
  local accepted = condition(ancestor.conditions, "Accepted")
  if accepted ~= nil then
    local name = ancestorName(ancestor)
    if stale(accepted.observedGeneration) then
      waiting = waiting or (name .. ": waiting for Envoy Gateway to observe the current generation")
    elseif accepted.status == "False" then
      return result("Degraded", name .. ": " .. describe(accepted))
    elseif accepted.status ~= "True" then
      waiting = waiting or (name .. ": " .. describe(accepted))
    else
      for _, noteType in ipairs({ "Overridden", "Warning" }) do
        local note = condition(ancestor.conditions, noteType)
        if note ~= nil and note.status == "True" then
          table.insert(notes, name .. ": " .. describe(note))
        end
      end
    end
  end
end
`,
  });
}

/** @see policyCheck */
export const EG_SECURITY_POLICY_HEALTH = policyCheck('SecurityPolicy');
/** @see policyCheck */
export const EG_BACKEND_TRAFFIC_POLICY_HEALTH = policyCheck('BackendTrafficPolicy');
/** @see policyCheck */
export const EG_CLIENT_TRAFFIC_POLICY_HEALTH = policyCheck('ClientTrafficPolicy');
