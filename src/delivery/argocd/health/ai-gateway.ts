import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const EAIG = 'envoyproxy/ai-gateway v1.1.0';
const SOURCES = [
  `${EAIG} internal/controller/ai_gateway_route.go (updateAIGatewayRouteStatus: Accepted once the HTTPRoute and extension policy are written, NotAccepted with the error otherwise)`,
  `${EAIG} internal/controller/controller.go (newConditions: one condition, Accepted True ReconciliationSucceeded or NotAccepted False ReconciliationFailed, no observedGeneration)`,
];

/**
 * AIGatewayRoute (Envoy AI Gateway): its controller writes one condition,
 * `Accepted` (True) when it has generated the route's HTTPRoute, or
 * `NotAccepted` (False) with the error; it sets no observedGeneration.
 * - no condition -> Progressing (the controller has not reconciled it);
 * - `NotAccepted` -> Degraded with the controller's message;
 * - `Accepted` True -> Healthy.
 * Whether the Gateway accepts the generated HTTPRoute shows on that
 * HTTPRoute, which is not in dist/.
 */
export const AI_GATEWAY_ROUTE_HEALTH: ArgoCdHealthCheck = {
  group: 'aigateway.envoyproxy.io',
  kind: 'AIGatewayRoute',
  sources: SOURCES,
  lua: luaScript({
    title: 'Health of aigateway.envoyproxy.io AIGatewayRoute (cdk8s-model-serving)',
    sources: SOURCES,
    helpers: ['result', 'condition', 'describe'],
    body: `
local conditions = nil
if obj.status ~= nil then
  conditions = obj.status.conditions
end
local rejected = condition(conditions, "NotAccepted")
if rejected ~= nil then
  return result("Degraded", describe(rejected))
end
local accepted = condition(conditions, "Accepted")
if accepted ~= nil and accepted.status == "True" then
  return result("Healthy", "Envoy AI Gateway generated the route's HTTPRoute")
end
if accepted ~= nil then
  return result("Progressing", describe(accepted))
end
return result("Progressing", "Waiting for the Envoy AI Gateway controller to reconcile the route")
`,
  }),
};
