import { BACKENDS_SYNCED_LATER_ANNOTATION, CERTIFICATES_SYNCED_LATER_ANNOTATION } from '../../sync-waves';
import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const GATEWAY_API = 'kubernetes-sigs/gateway-api v1.6.1 apis/v1';
const ARGO = 'argoproj/argo-cd v3.5.1';
const SYNC = `${ARGO} gitops-engine/pkg/sync/sync_context.go (a Degraded object fails a sync with several waves)`;

/**
 * HTTPRoute and GRPCRoute: `status.parents[]`, one per Gateway, each with
 * `Accepted`, `ResolvedRefs` and (some implementations) `Programmed`, judged
 * only once every condition of the parent reports the current generation.
 * Argo CD v3.5.1 has its own check for these kinds, which calls a route
 * Degraded while a backend Service is missing (`ResolvedRefs=False
 * BackendNotFound`). A route the library syncs before the InferenceServices
 * whose Services it sends traffic to carries
 * `models.cdk8s.io/backends-synced-later`; for such a route only, a missing
 * backend is Healthy with the gateway's message, so that Argo CD goes on to
 * the wave that creates it. Every other route is judged as Argo CD judges
 * it: ResolvedRefs or Accepted False -> Degraded; Programmed not True ->
 * Progressing; no parent of the current generation -> Progressing.
 */
function routeCheck(kind: 'HTTPRoute' | 'GRPCRoute'): ArgoCdHealthCheck {
  const sources = [
    `${GATEWAY_API}/shared_types.go (RouteParentStatus, RouteConditionAccepted, RouteConditionResolvedRefs, RouteReasonBackendNotFound)`,
    `${ARGO} resource_customizations/gateway.networking.k8s.io/${kind}/health.lua (the check this one replaces)`,
    SYNC,
  ];
  const body = `
local awaited = nil
if obj.metadata.annotations ~= nil then
  awaited = obj.metadata.annotations["${BACKENDS_SYNCED_LATER_ANNOTATION}"]
end

-- True when every condition of a parent reports the current generation of the route.
local function current(conditions)
  for _, c in ipairs(conditions) do
    if c.observedGeneration ~= nil and obj.metadata.generation ~= nil and c.observedGeneration ~= obj.metadata.generation then
      return false
    end
  end
  return true
end

local parents = nil
if obj.status ~= nil then
  parents = obj.status.parents
end
if parents == nil or #parents == 0 then
  return result("Progressing", "Waiting for the Gateway to report the ${kind}")
end
local judged = false
local waiting = nil
local progressing = nil
for _, parent in ipairs(parents) do
  local conditions = parent.conditions
  if conditions ~= nil and #conditions > 0 and current(conditions) then
    judged = true
    local name = "Gateway/unknown"
    if parent.parentRef ~= nil then
      name = tostring(parent.parentRef.kind or "Gateway") .. "/" .. tostring(parent.parentRef.name)
    end
    local refs = condition(conditions, "ResolvedRefs")
    local accepted = condition(conditions, "Accepted")
    local programmed = condition(conditions, "Programmed")
    if refs ~= nil and refs.status == "False" then
      if refs.reason == "BackendNotFound" and awaited ~= nil then
        waiting = waiting or (name .. ": " .. describe(refs) .. " (the Services come from " .. awaited .. ", which Argo CD syncs after this route)")
      else
        return result("Degraded", name .. ": " .. describe(refs))
      end
    end
    if accepted ~= nil and accepted.status == "False" then
      return result("Degraded", name .. ": " .. describe(accepted))
    end
    if programmed ~= nil and programmed.status ~= "True" then
      progressing = progressing or (name .. ": " .. describe(programmed))
    end
  end
end
if not judged then
  return result("Progressing", "Waiting for the Gateway to report the current generation of the ${kind}")
end
if progressing ~= nil then
  return result("Progressing", progressing)
end
if waiting ~= nil then
  return result("Healthy", waiting)
end
return result("Healthy", "${kind} is accepted by its Gateways")
`;
  return { group: 'gateway.networking.k8s.io', kind, sources, lua: luaScript({ title: `Health of gateway.networking.k8s.io ${kind} (cdk8s-model-serving)`, sources, helpers: ['result', 'condition', 'describe'], body }) };
}

/** @see routeCheck */
export const HTTP_ROUTE_HEALTH = routeCheck('HTTPRoute');
/** @see routeCheck */
export const GRPC_ROUTE_HEALTH = routeCheck('GRPCRoute');

const GATEWAY_SOURCES = [
  `${GATEWAY_API}/gateway_types.go (GatewayConditionAccepted, GatewayConditionProgrammed, ListenerConditionResolvedRefs, ListenerReasonInvalidCertificateRef, GatewayReasonListenersNotValid)`,
  `${ARGO} resource_customizations/gateway.networking.k8s.io/Gateway/health.lua (the check this one replaces)`,
  SYNC,
];

/**
 * Gateway: `status.conditions` (`Accepted`, `Programmed`) and
 * `status.listeners[].conditions` (`Accepted`, `ResolvedRefs`,
 * `Programmed`). Argo CD v3.5.1's own check calls a Gateway Degraded while
 * a listener's certificate Secret is missing (`ResolvedRefs=False
 * InvalidCertificateRef`). A Gateway the library syncs before the
 * Certificate that issues that Secret (an ACME HTTP-01 challenge is
 * answered through the Gateway itself) carries
 * `models.cdk8s.io/certificates-synced-later`; for such a Gateway only, a
 * listener waiting for its certificate, and the Gateway-level
 * `ListenersNotValid` it causes, are Healthy with the controller's message.
 * Every other Gateway is judged as Argo CD judges it: ResolvedRefs or
 * Accepted False -> Degraded; Programmed not True -> Progressing.
 */
export const GATEWAY_HEALTH: ArgoCdHealthCheck = {
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  sources: GATEWAY_SOURCES,
  lua: luaScript({
    title: 'Health of gateway.networking.k8s.io Gateway (cdk8s-model-serving)',
    sources: GATEWAY_SOURCES,
    helpers: ['result', 'condition', 'describe'],
    body: `
local awaited = nil
if obj.metadata.annotations ~= nil then
  awaited = obj.metadata.annotations["${CERTIFICATES_SYNCED_LATER_ANNOTATION}"]
end
local status = obj.status
if status == nil or status.conditions == nil or #status.conditions == 0 then
  return result("Progressing", "Waiting for the Gateway controller to report the Gateway")
end

-- Listeners first: one waiting for the certificate a later wave issues explains the Gateway-level conditions.
local waiting = nil
local progressing = nil
if status.listeners ~= nil then
  for _, listener in ipairs(status.listeners) do
    local name = "Listener " .. tostring(listener.name)
    local refs = condition(listener.conditions, "ResolvedRefs")
    local accepted = condition(listener.conditions, "Accepted")
    local programmed = condition(listener.conditions, "Programmed")
    local awaits = refs ~= nil and refs.status == "False" and refs.reason == "InvalidCertificateRef" and awaited ~= nil
    if awaits then
      waiting = waiting or (name .. ": " .. describe(refs) .. " (the Secret comes from " .. awaited .. ", which Argo CD syncs after this Gateway)")
    elseif refs ~= nil and refs.status == "False" then
      return result("Degraded", name .. ": " .. describe(refs))
    elseif accepted ~= nil and accepted.status == "False" then
      return result("Degraded", name .. ": " .. describe(accepted))
    elseif programmed ~= nil and programmed.status ~= "True" then
      progressing = progressing or (name .. ": " .. describe(programmed))
    end
  end
end

local accepted = condition(status.conditions, "Accepted")
local refs = condition(status.conditions, "ResolvedRefs")
local programmed = condition(status.conditions, "Programmed")
local explained = waiting ~= nil
if refs ~= nil and refs.status == "False" then
  return result("Degraded", describe(refs))
end
if accepted ~= nil and accepted.status == "False" and not (explained and accepted.reason == "ListenersNotValid") then
  return result("Degraded", describe(accepted))
end
if programmed ~= nil and programmed.status ~= "True" and not (explained and (programmed.reason == "Invalid" or programmed.reason == "ListenersNotValid")) then
  return result("Progressing", describe(programmed))
end
if progressing ~= nil then
  return result("Progressing", progressing)
end
if waiting ~= nil then
  return result("Healthy", waiting)
end
return result("Healthy", "Gateway is accepted and programmed")
`,
  }),
};
