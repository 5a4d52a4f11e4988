import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';
import { ancestorPolicyCheck } from './policy-ancestors';

const AGENTGATEWAY = 'agentgateway/agentgateway v1.4.1';
const SOURCES = [
  `${AGENTGATEWAY} controller/api/v1alpha1/agentgateway/policy_types.go (Accepted: Valid, PartiallyValid, Invalid, Pending; Attached: Attached, Merged, Pending, Overridden)`,
  `${AGENTGATEWAY} controller/pkg/agentgateway/plugins/traffic_plugin.go (PolicyConditionMap: PartiallyValid when some of the policy could not be translated; the StatusSummary ancestor with Attached=False Pending for targets not resolved)`,
];

/**
 * `AgentgatewayPolicy` (`status.ancestors[]`, gwv1.PolicyStatus): per
 * ancestor `Accepted` and `Attached`, each with `observedGeneration`.
 * - no ancestor -> Progressing (Healthy while its target route comes in a later wave);
 * - an older generation, Accepted=False Pending, or Attached=False Pending
 *   (a target not resolved yet, reported on the `StatusSummary` ancestor) -> Progressing;
 * - Accepted=False (Invalid), or Accepted=True PartiallyValid (part of the
 *   policy was dropped, e.g. an authorization expression that does not
 *   compile) -> Degraded with agentgateway's message;
 * - Attached=False Overridden -> Healthy with the message (a more specific policy wins by design);
 * - Accepted and Attached True on every ancestor -> Healthy.
 */
export const AGENTGATEWAY_POLICY_HEALTH: ArgoCdHealthCheck = ancestorPolicyCheck({
  group: 'agentgateway.dev',
  kind: 'AgentgatewayPolicy',
  controller: 'agentgateway',
  sources: SOURCES,
  accepted: 'accepted and attached by agentgateway',
  loop: `
for _, ancestor in ipairs(ancestors) do
  local accepted = condition(ancestor.conditions, "Accepted")
  local attached = condition(ancestor.conditions, "Attached")
  local name = ancestorName(ancestor)
  if (accepted ~= nil and stale(accepted.observedGeneration)) or (attached ~= nil and stale(attached.observedGeneration)) then
    waiting = waiting or (name .. ": waiting for agentgateway to observe the current generation")
  elseif accepted ~= nil and accepted.status ~= "True" then
    if accepted.reason ~= "Pending" then
      return result("Degraded", name .. ": " .. describe(accepted))
    end
    waiting = waiting or (name .. ": " .. describe(accepted))
  elseif accepted ~= nil and accepted.reason == "PartiallyValid" then
    return result("Degraded", name .. ": " .. describe(accepted))
  elseif attached == nil then
    waiting = waiting or (name .. ": waiting for agentgateway to attach the policy")
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
`,
});

const BACKEND_SOURCES = [`${AGENTGATEWAY} controller/pkg/syncer/backend/backend_plugin.go (Accepted=True Accepted, or Accepted=False TranslationError with the error, each with observedGeneration)`];

/**
 * `AgentgatewayBackend` (`status.conditions`, one `Accepted` condition):
 * none yet or of an older generation -> Progressing; True -> Healthy;
 * False (`TranslationError`: the backend could not be translated, e.g. a
 * provider setting agentgateway rejects) -> Degraded with the controller's message.
 */
export const AGENTGATEWAY_BACKEND_HEALTH: ArgoCdHealthCheck = {
  group: 'agentgateway.dev',
  kind: 'AgentgatewayBackend',
  sources: BACKEND_SOURCES,
  lua: luaScript({
    title: 'Health of agentgateway.dev AgentgatewayBackend (cdk8s-model-serving)',
    sources: BACKEND_SOURCES,
    helpers: ['result', 'condition', 'describe', 'stale'],
    body: `
local accepted = nil
if obj.status ~= nil then
  accepted = condition(obj.status.conditions, "Accepted")
end
if accepted == nil then
  return result("Progressing", "Waiting for agentgateway to accept the backend")
end
if stale(accepted.observedGeneration) then
  return result("Progressing", "Waiting for agentgateway to observe the current generation")
end
if accepted.status == "True" then
  return result("Healthy", describe(accepted))
end
return result("Degraded", describe(accepted))
`,
  }),
};
