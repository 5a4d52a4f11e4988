/** A valid catalog: a JWT service, a key-auth service with one consumer, a public CORS service, a model. */
export const BASE = `apiVersion: catalog.models.cdk8s.io/v1alpha1
kind: Catalog
secretStore:
  name: vault
jwtIssuers:
  - name: auth
    issuer: https://auth.example.com/
    jwksUri: https://auth.example.com/jwks.json
    algorithm: RS256
    publicKey:
      remoteKey: kong/jwt/auth
consumers:
  - userId: batch
    service: orders
    remoteKey: kong/keys/batch
services:
  - name: registry
    version: v1.0.0
    endpoints:
      - protocol: http
        host: registry.apps.svc.cluster.local
        port: 8080
        path: /api/v1/*
        methods: [GET, POST]
    metadata:
      rateLimit.minute: "100"
      rateLimit.hour: "1000"
      rateLimit.day: "10000"
      auth.type: jwt
      auth.required: "true"
  - name: orders
    version: v2.0.0
    endpoints:
      - protocol: http
        host: orders.apps.svc
        port: 80
        targetPort: 8080
        path: /orders
    metadata:
      auth.type: key-auth
      auth.required: true
  - name: web
    version: v0.1.0
    endpoints:
      - protocol: http
        host: web.apps.svc.cluster.local
        port: 8080
        path: /*
    metadata:
      rateLimit.minute: 300
      cors.enabled: "true"
      cors.origins: "https://portal.example.com"
      cors.methods: "GET,OPTIONS"
models:
  - name: iris
    format: sklearn
    storageUri: gs://kfserving-examples/models/sklearn/iris
    resources:
      requests: { cpu: 100m, memory: 256Mi }
      limits: { cpu: "1", memory: 1Gi }
`;

/** `{ line, column }` (1-based) where `needle` starts in `text` (plus `offset` characters). */
export function positionOf(text: string, needle: string, offset = 0): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' not in text`);
  const before = text.slice(0, at + offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
