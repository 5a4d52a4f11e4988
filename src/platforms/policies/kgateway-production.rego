# External authorization for the kgateway-production platform (write-up 000),
# evaluated by OPA's Envoy ext_authz plugin for every request to a model.
# Identity, tiers and per-model access are enforced by the gateway (JWT and
# RBAC); this policy adds the request-shape rules the write-up keeps in Rego:
# only the KServe V1 inference API, only GET for metadata and POST for
# predictions, JSON bodies only, and bounded request sizes.
package envoy.authz

import rego.v1

default allow := false

http := input.attributes.request.http

# GET /v1/models/<name>: model metadata and readiness.
allow if {
	http.method == "GET"
	regex.match(`^/v1/models/[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, http.path)
}

# POST /v1/models/<name>:predict with a JSON body of at most 1 MiB.
allow if {
	http.method == "POST"
	regex.match(`^/v1/models/[a-z0-9]([-a-z0-9]*[a-z0-9])?:predict$`, http.path)
	startswith(object.get(http.headers, "content-type", ""), "application/json")
	to_number(object.get(http.headers, "content-length", "0")) <= 1048576
}
