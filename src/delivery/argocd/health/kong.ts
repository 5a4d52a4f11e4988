import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const KIC = 'Kong/kubernetes-ingress-controller v3.5.13';
const SOURCES = [
  `${KIC} internal/controllers/utils/conditions.go (EnsureProgrammedCondition: True Programmed, False Invalid, False Pending)`,
  `${KIC} internal/controllers/configuration/zz_generated.controllers.go (the KongConsumer and KongConsumerGroup reconcilers write Programmed)`,
];

/**
 * KongConsumer and KongConsumerGroup: `status.conditions` `Programmed` with
 * `observedGeneration` (written by KIC when it reports Kubernetes object
 * status, the default). True -> Healthy; False Invalid (Kong rejected the
 * object, details in its Events) -> Degraded; False Pending, or the CRD's
 * default Unknown "Waiting for controller" -> Progressing.
 */
function programmedCheck(kind: string): ArgoCdHealthCheck {
  return {
    group: 'configuration.konghq.com',
    kind,
    sources: SOURCES,
    lua: luaScript({
      title: `Health of configuration.konghq.com ${kind} (cdk8s-model-serving)`,
      sources: SOURCES,
      helpers: ['result', 'condition', 'describe', 'stale'],
      body: `
local programmed = nil
if obj.status ~= nil then
  programmed = condition(obj.status.conditions, "Programmed")
end
if programmed == nil then
  return result("Progressing", "Waiting for the Kong Ingress Controller to program the ${kind} in Kong")
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
}

/** @see programmedCheck */
export const KONG_CONSUMER_HEALTH = programmedCheck('KongConsumer');
/** @see programmedCheck */
export const KONG_CONSUMER_GROUP_HEALTH = programmedCheck('KongConsumerGroup');
