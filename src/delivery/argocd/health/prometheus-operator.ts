import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

const PO = 'prometheus-operator/prometheus-operator v0.93.0';
const SOURCES = [
  `${PO} pkg/apis/monitoring/v1/types.go (ConfigResourceStatus, WorkloadBinding, Accepted)`,
  `${PO} pkg/operator/config_resource.go (Conditions: Accepted True, or False with the validation error)`,
  `${PO} pkg/operator/config.go (feature gate StatusForConfigurationResources, off by default)`,
];

/**
 * PodMonitor, ServiceMonitor, PrometheusRule: `status.bindings[]`, one per
 * Prometheus (or PrometheusAgent, ThanosRuler) that selects the object,
 * each with an `Accepted` condition. The operator writes bindings only with
 * its `StatusForConfigurationResources` feature gate, off by default, so an
 * object without bindings is Healthy (there is nothing to judge), with a
 * message saying so.
 * Accepted=False (the operator rejected the object, e.g. an invalid
 * relabeling or rule) -> Degraded with the error; Unknown or an older
 * generation -> Progressing; True on every binding -> Healthy.
 */
function configResourceCheck(kind: string): ArgoCdHealthCheck {
  return {
    group: 'monitoring.coreos.com',
    kind,
    sources: SOURCES,
    lua: luaScript({
      title: `Health of monitoring.coreos.com ${kind} (cdk8s-model-serving)`,
      sources: SOURCES,
      helpers: ['result', 'condition', 'describe', 'stale'],
      body: `
local bindings = nil
if obj.status ~= nil then
  bindings = obj.status.bindings
end
if bindings == nil or #bindings == 0 then
  return result("Healthy", "No status bindings to judge: the Prometheus operator writes them only with its StatusForConfigurationResources feature gate, for the Prometheus objects that select this ${kind}")
end
local waiting = nil
local accepted = {}
for _, binding in ipairs(bindings) do
  local name = tostring(binding.resource) .. "/" .. tostring(binding.namespace) .. "/" .. tostring(binding.name)
  local c = condition(binding.conditions, "Accepted")
  if c == nil or stale(c.observedGeneration) then
    waiting = waiting or (name .. ": waiting for the Prometheus operator to accept the current generation")
  elseif c.status == "False" then
    return result("Degraded", name .. ": " .. describe(c))
  elseif c.status ~= "True" then
    waiting = waiting or (name .. ": " .. describe(c))
  else
    table.insert(accepted, name)
  end
end
if waiting ~= nil then
  return result("Progressing", waiting)
end
return result("Healthy", "Accepted by " .. table.concat(accepted, ", "))
`,
    }),
  };
}

/** @see configResourceCheck */
export const POD_MONITOR_HEALTH = configResourceCheck('PodMonitor');
/** @see configResourceCheck */
export const SERVICE_MONITOR_HEALTH = configResourceCheck('ServiceMonitor');
/** @see configResourceCheck */
export const PROMETHEUS_RULE_HEALTH = configResourceCheck('PrometheusRule');
