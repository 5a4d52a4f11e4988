import { ArgoCdHealthCheck } from './check';
import { luaScript } from './lua';

/**
 * Lua shared by the checks of Gateway API policies whose status is a
 * `gwv1.PolicyStatus`: `status.ancestors[]`, one entry per Gateway,
 * route or backend the policy is attached to, each with its conditions
 * (kgateway, Envoy Gateway).
 * @see https://gateway-api.sigs.k8s.io/geps/gep-713/ (policy status)
 */

/**
 * The start of the script: no ancestors yet. A controller writes an
 * ancestor only once the policy is attached to something, so a policy
 * whose target route Argo CD syncs in a later wave waits there; it is
 * Healthy then, since Argo CD would otherwise never sync the route.
 */
export function noAncestorsLua(controller: string): string {
  return `
local ancestors = nil
if obj.status ~= nil then
  ancestors = obj.status.ancestors
end
if ancestors == nil or #ancestors == 0 then
  if beforeProtectedRoutes() and targetsRoute() then
    return result("Healthy", "Not attached yet: ${controller} reports once the route it targets exists, which Argo CD syncs after this policy")
  end
  return result("Progressing", "Waiting for ${controller} to attach the policy to its targets")
end

-- "Kind/name" of an ancestor, for messages.
local function ancestorName(ancestor)
  local ref = ancestor.ancestorRef
  if ref == nil then
    return "ancestor"
  end
  local kind = ref.kind
  if kind == nil then
    kind = "Gateway"
  end
  return kind .. "/" .. tostring(ref.name)
end
`;
}

/**
 * A check of a policy with `status.ancestors[]`: the no-ancestor start
 * ({@link noAncestorsLua}), `loop` (which walks `ancestors`, collecting
 * `waiting` and `notes`, and returns Degraded itself), then the verdict:
 * Progressing while anything waits, else Healthy with the notes, else
 * Healthy with `accepted` (e.g. `accepted by Envoy Gateway`).
 */
export function ancestorPolicyCheck(options: { readonly group: string; readonly kind: string; readonly controller: string; readonly sources: readonly string[]; readonly loop: string; readonly accepted: string }): ArgoCdHealthCheck {
  const body = `${noAncestorsLua(options.controller)}
local waiting = nil
local notes = {}
${options.loop.trim()}
if waiting ~= nil then
  return result("Progressing", waiting)
end
if #notes > 0 then
  return result("Healthy", table.concat(notes, "; "))
end
return result("Healthy", "${options.kind} is ${options.accepted}")
`;
  return {
    group: options.group,
    kind: options.kind,
    sources: options.sources,
    lua: luaScript({ title: `Health of ${options.group} ${options.kind} (cdk8s-model-serving)`, sources: options.sources, helpers: ['result', 'condition', 'describe', 'stale', 'beforeProtectedRoutes', 'targetsRoute'], body }),
  };
}
