import { ArgoCdHealthCheck } from './check';
import { ancestorPolicyCheck } from './policy-ancestors';

const KGATEWAY = 'kgateway-dev/kgateway commit 3b404509';
const SOURCES = [
  `${KGATEWAY} api/v1alpha1/shared/policy_types.go (Accepted, Attached and their reasons)`,
  `${KGATEWAY} pkg/reports/policy.go (BuildPolicyStatus: Pending until reported, Overridden, StatusSummarized)`,
  `${KGATEWAY} pkg/kgateway/proxy_syncer/status.go (Accepted=False Invalid with the attachment errors)`,
];

/**
 * kgateway policies (`status.ancestors[]`, gwv1.PolicyStatus): per ancestor
 * `Accepted` (True Valid; False Pending or Invalid) and `Attached` (True
 * Attached or Merged; False Pending or Overridden), each with
 * `observedGeneration`.
 * - no ancestor -> Progressing (Healthy while its target route comes in a later wave);
 * - Pending or an older generation -> Progressing;
 * - Accepted=False Invalid (or any other reason) -> Degraded with kgateway's errors;
 * - Attached=False Overridden -> Healthy with the message (a policy of
 *   higher priority wins by design);
 * - Accepted and Attached True on every ancestor -> Healthy.
 * The `StatusSummarized` entry kgateway adds past 15 ancestors has no Accepted condition and is skipped.
 */
function policyCheck(kind: string): ArgoCdHealthCheck {
  return ancestorPolicyCheck({
    group: 'gateway.kgateway.dev',
    kind,
    controller: 'kgateway',
    sources: SOURCES,
    accepted: 'accepted and attached by kgateway',
    loop: `
for _, ancestor in ipairs(ancestors) do
  local accepted = condition(ancestor.conditions, "Accepted")
  if accepted ~= nil then
    local name = ancestorName(ancestor)
    local attached = condition(ancestor.conditions, "Attached")
    if stale(accepted.observedGeneration) or (attached ~= nil and stale(attached.observedGeneration)) then
      waiting = waiting or (name .. ": waiting for kgateway to observe the current generation")
    elseif accepted.status ~= "True" then
      if accepted.reason ~= "Pending" then
        return result("Degraded", name .. ": " .. describe(accepted))
      end
      waiting = waiting or (name .. ": " .. describe(accepted))
    elseif attached == nil then
      waiting = waiting or (name .. ": waiting for kgateway to attach the policy")
    elseif attached.status ~= "True" then
      if attached.reason == "Overridden" then
        table.insert(notes, name .. ": " .. describe(attached))
      elseif attached.reason == "Pending" then
        waiting = waiting or (name .. ": " .. describe(attached))
      else
        return result("Degraded", name .. ": " .. describe(attached))
      end
    end
  end
end
`,
  });
}

/** @see policyCheck */
export const KGATEWAY_TRAFFIC_POLICY_HEALTH = policyCheck('TrafficPolicy');
/** @see policyCheck */
export const KGATEWAY_HTTP_LISTENER_POLICY_HEALTH = policyCheck('HTTPListenerPolicy');
/** @see policyCheck */
export const KGATEWAY_BACKEND_CONFIG_POLICY_HEALTH = policyCheck('BackendConfigPolicy');
