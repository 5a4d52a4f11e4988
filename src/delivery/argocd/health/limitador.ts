import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const SOURCES = ['Kuadrant/limitador-operator v0.17.1 controllers/limitador_status.go (readyCondition, checkLimitadorAvailable)'];

/**
 * Limitador: `status.conditions` `Ready` and `status.observedGeneration`.
 * True -> Healthy; LimitadorNotAvailable (its Deployment is rolling out or
 * not available yet, with the Deployment's own message) -> Progressing;
 * ReconcilliationError (sic, the operator's spelling) -> Degraded.
 */
export const LIMITADOR_HEALTH: ArgoCdHealthCheck = {
  group: 'limitador.kuadrant.io',
  kind: 'Limitador',
  sources: SOURCES,
  lua: luaScript({
    title: 'Health of limitador.kuadrant.io Limitador (cdk8s-model-serving)',
    sources: SOURCES,
    helpers: ['result', 'condition', 'describe', 'stale'],
    body: `
local status = obj.status
local ready = nil
if status ~= nil then
  ready = condition(status.conditions, "Ready")
end
if ready == nil then
  return result("Progressing", "Waiting for the Limitador operator to report status")
end
if stale(status.observedGeneration) then
  return result("Progressing", "Waiting for the Limitador operator to observe the current generation")
end
if ready.status == "True" then
  return result("Healthy", describe(ready))
end
if ready.reason == "LimitadorNotAvailable" then
  return result("Progressing", describe(ready))
end
return result("Degraded", describe(ready))
`,
  }),
};
