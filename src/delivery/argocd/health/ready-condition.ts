import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

/**
 * A check of an operator's custom resource judged by one `Ready` condition
 * and `status.observedGeneration`: no condition yet or an older generation
 * -> Progressing; `Ready=True` -> Healthy; `Ready=False` with one of
 * `progressingReasons` (what the operator deploys is still starting) ->
 * Progressing; any other reason -> Degraded, with the operator's message.
 */
export function readyConditionCheck(options: { readonly group: string; readonly kind: string; readonly operator: string; readonly sources: readonly string[]; readonly progressingReasons: readonly string[] }): ArgoCdHealthCheck {
  const progressing = options.progressingReasons.map((r) => `ready.reason == ${JSON.stringify(r)}`).join(' or ');
  const body = `
local status = obj.status
local ready = nil
if status ~= nil then
  ready = condition(status.conditions, "Ready")
end
if ready == nil then
  return result("Progressing", "Waiting for the ${options.operator} to report status")
end
if stale(status.observedGeneration) then
  return result("Progressing", "Waiting for the ${options.operator} to observe the current generation")
end
if ready.status == "True" then
  return result("Healthy", describe(ready))
end
if ${progressing} then
  return result("Progressing", describe(ready))
end
return result("Degraded", describe(ready))
`;
  return {
    group: options.group,
    kind: options.kind,
    sources: options.sources,
    lua: luaScript({ title: `Health of ${options.group} ${options.kind} (cdk8s-model-serving)`, sources: options.sources, helpers: ['result', 'condition', 'describe', 'stale'], body }),
  };
}
