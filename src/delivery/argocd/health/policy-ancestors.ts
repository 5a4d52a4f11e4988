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
