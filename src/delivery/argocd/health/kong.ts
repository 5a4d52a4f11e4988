import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const KIC = 'Kong/kubernetes-ingress-controller v3.5.13';
const SOURCES = [
  `${KIC} internal/controllers/utils/conditions.go (EnsureProgrammedCondition: True Programmed, False Invalid, False Pending)`,
  `${KIC} internal/controllers/configuration/zz_generated.controllers.go (KongConsumer reconciler writes Programmed)`,
];

/**
 * KongConsumer: `status.conditions` `Programmed` with `observedGeneration`
 * (written by KIC when it reports Kubernetes object status, the default).
 * True -> Healthy; False Invalid (Kong rejected the consumer, details in
 * its Events) -> Degraded; False Pending, or the CRD's default Unknown
 * "Waiting for controller" -> Progressing.
 */
export const KONG_CONSUMER_HEALTH: ArgoCdHealthCheck = {
  group: 'configuration.konghq.com',
  kind: 'KongConsumer',
  sources: SOURCES,
  lua: luaScript({
    title: 'Health of configuration.konghq.com KongConsumer (cdk8s-model-serving)',
    sources: SOURCES,
    helpers: ['result', 'condition', 'describe', 'stale'],
    body: `
local programmed = nil
if obj.status ~= nil then
  programmed = condition(obj.status.conditions, "Programmed")
end
if programmed == nil then
  return result("Progressing", "Waiting for the Kong Ingress Controller to program the consumer in Kong")
end
if stale(programmed.observedGeneration) then
  return result("Progressing", "Waiting for the Kong Ingress Controller to observe the current generation")
end
if programmed.status == "True" then
  return result("Healthy", describe(programmed))
end
if programmed.reason == "Invalid" then
  return result("Degraded", describe(programmed))
end
return result("Progressing", describe(programmed))
`,
  }),
};
