import { Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AgentgatewayPolicy } from '../../src/agentgateway/agentgateway-policy';
import { Backend } from '../../src/core/backend';
import { ModelServingError } from '../../src/core/errors';
import { SecretRef } from '../../src/core/secret-ref';
import { AllowedRoutes } from '../../src/gateway/allowed-routes';
import { Gateway } from '../../src/gateway/gateway';
import { GatewayProvider } from '../../src/gateway/gateway-provider';
import { Listener } from '../../src/gateway/listener';
import { EmbeddingsResponse } from '../../src/inference/embeddings-response';
import { OpenAiEndpoint, OpenAiModel } from '../../src/inference/openai-endpoint';
import { ClientTrafficPolicy } from '../../src/policy/envoy-gateway/client-traffic-policy';
import { formatIssue, validateObjects } from '../../src/validate';
import { findObject, objectsOfKind, setup, synthObjects } from '../util';

const MiB = 1024 * 1024;

/** A Gateway of `provider` in `edge` and an OpenAiEndpoint in `models` serving `models`. */
function endpoint(provider: GatewayProvider, models: OpenAiModel[], bufferLimit?: Size) {
  const f = setup(['edge', 'models'], { requireAccessPolicies: false });
  const gateway = new Gateway(f.ns.edge, 'gateway', {
    provider,
    listeners: [Listener.https({ certificates: [SecretRef.named('gateway-cert')], allowedRoutes: AllowedRoutes.fromNamespaces([f.ns.models]) })],
  });
  const build = () => new OpenAiEndpoint(f.ns.models, 'llms', { gateway: gateway.listener('https'), models, bufferLimit });
  return { ...f, gateway, build };
}

const chat: OpenAiModel = { name: 'qwen', backends: [Backend.service('qwen-vllm', 8000)] };
/** 3072 dimensions, 2048 inputs: 4096 + 2048 × (64 + 3072 × 25) = 157 421 568 bytes (150.13 MiB). */
const large: OpenAiModel = { name: 'text-embedding-3-large', backends: [Backend.service('tei-large', 8080)], embeddings: EmbeddingsResponse.batch({ dimensions: 3072, maxInputs: 2048 }) };
/** 1024 dimensions, 32 inputs (TEI's default batch): 825 344 bytes. */
const small: OpenAiModel = { name: 'bge-m3', backends: [Backend.service('tei-bge', 8080)], embeddings: EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 32 }) };

describe('EmbeddingsResponse: the worst-case JSON size of an embeddings answer', () => {
  it('counts 25 bytes per value, 64 per embedding and 4 KiB around them', () => {
    expect(EmbeddingsResponse.batch({ dimensions: 3072, maxInputs: 2048 }).bytes).toBe(157_421_568);
    expect(EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 32 }).bytes).toBe(825_344);
    expect(EmbeddingsResponse.batch({ dimensions: 1, maxInputs: 1 }).bytes).toBe(4096 + 64 + 25);
  });

  it('bounds what a float32 embedding prints as through Python json (vLLM) and its base64 form', () => {
    // Python prints a float32 value widened to float64 with up to 17 significant digits: the longest of these in [-1, 1].
    for (const printed of ['-1.2345678901234567e-05', '-0.10000000149011612', '-0.00012345678901234567']) expect(printed.length + 1).toBeLessThanOrEqual(25);
    const dims = 3072;
    const answer = { object: 'list', model: 'm'.repeat(253), usage: { prompt_tokens: 8192, total_tokens: 8192 }, data: [{ object: 'embedding', index: 2047, embedding: Array.from({ length: dims }, () => -1.2345678901234567e-5) }] };
    const base64 = { ...answer, data: [{ ...answer.data[0], embedding: Buffer.alloc(4 * dims).toString('base64') }] };
    const bound = EmbeddingsResponse.batch({ dimensions: dims, maxInputs: 1 }).bytes;
    expect(JSON.stringify(answer).length).toBeLessThanOrEqual(bound);
    expect(JSON.stringify(base64).length).toBeLessThan(JSON.stringify(answer).length);
  });

  it('takes a stated size in bytes, and refuses a shape that is not whole positive counts', () => {
    expect(EmbeddingsResponse.ofSize(Size.mebibytes(80)).bytes).toBe(80 * MiB);
    expect(() => EmbeddingsResponse.batch({ dimensions: 0, maxInputs: 32 })).toThrow(/EmbeddingsResponse.batch: dimensions must be an integer between 1 and 1048576/);
    expect(() => EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 2.5 })).toThrow(/maxInputs must be an integer/);
    expect(() => EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 32, batch: 4 } as never)).toThrow(ModelServingError);
  });
});

describe('Envoy AI Gateway: the Gateway buffer holds the largest embeddings answer', () => {
  it('raises the ClientTrafficPolicy buffer limit and HTTP/2 stream window of the Gateway to the answer, and nothing on the backends', () => {
    const f = endpoint(GatewayProvider.ENVOY_GATEWAY, [chat, large, small]);
    const llms = f.build();
    expect(llms.bodyBuffer?.bytes).toBe(157_421_568);
    expect(llms.bodyBuffer?.reason).toContain("model 'text-embedding-3-large'");
    const objects = synthObjects(f.app);
    const [ctp] = objectsOfKind(objects, 'ClientTrafficPolicy');
    expect(ctp.metadata.namespace).toBe('edge');
    expect(ctp.spec.targetRefs).toEqual([expect.objectContaining({ kind: 'Gateway', name: 'gateway' })]);
    // The listener limit (HTTP/1.1 clients) and the HTTP/2 stream window (HTTP/2 clients): 157421568 bytes is 153732 KiB.
    expect(ctp.spec.connection.bufferLimit).toBe('153732Ki');
    expect(ctp.spec.http2.initialStreamWindowSize).toBe('153732Ki');
    // The cluster limit does not cap a buffered answer: no BackendTrafficPolicy sets connection.bufferLimit.
    expect(objectsOfKind(objects, 'BackendTrafficPolicy').filter((b) => b.spec.connection?.bufferLimit !== undefined)).toEqual([]);
    expect(validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' }).map(formatIssue)).toEqual([]);
  });

  it('keeps 50 MiB on both limits when the models answer less, and raises a smaller limit set before', () => {
    const f = endpoint(GatewayProvider.ENVOY_GATEWAY, [chat, small]);
    ClientTrafficPolicy.ofGateway(f.ns.edge, f.gateway).raiseBufferLimit('1Mi');
    f.build();
    const [ctp] = objectsOfKind(synthObjects(f.app), 'ClientTrafficPolicy');
    expect(ctp.spec.connection.bufferLimit).toBe('50Mi');
    expect(ctp.spec.http2.initialStreamWindowSize).toBe('50Mi');
  });

  it('gives the Gateway the larger of a bufferLimit and the answers', () => {
    const f = endpoint(GatewayProvider.ENVOY_GATEWAY, [chat, small], Size.mebibytes(200));
    f.build();
    const [ctp] = objectsOfKind(synthObjects(f.app), 'ClientTrafficPolicy');
    expect(ctp.spec.connection.bufferLimit).toBe('200Mi');
    expect(ctp.spec.http2.initialStreamWindowSize).toBe('200Mi');
  });

  it('states the need as cluster setup when the Gateway is defined outside the platform', () => {
    const f = setup(['models'], { requireAccessPolicies: false });
    const shared = Gateway.fromGatewayName(f.ns.models, 'shared', 'shared-gateway', { namespace: 'infra', provider: GatewayProvider.ENVOY_GATEWAY, listenerNames: ['https'] });
    new OpenAiEndpoint(f.ns.models, 'llms', { gateway: shared.listener('https'), models: [chat, large] });
    expect(objectsOfKind(synthObjects(f.app), 'ClientTrafficPolicy')).toEqual([]);
    const note = f.platform.setupNotes.find((n) => n.topic.startsWith('Body buffer of Gateway shared-gateway'));
    expect(note?.text).toContain('connection.bufferLimit and http2.initialStreamWindowSize to at least 153732Ki');
    expect(note?.text).toContain("model 'text-embedding-3-large'");
  });

  it('refuses an answer larger than an HTTP/2 stream window can hold', () => {
    const huge: OpenAiModel = { name: 'huge', backends: [Backend.service('tei', 8080)], embeddings: EmbeddingsResponse.ofSize(Size.gibibytes(3)) };
    const f = endpoint(GatewayProvider.ENVOY_GATEWAY, [huge]);
    expect(() => f.build()).toThrow(/models\[0\].embeddings needs the Gateway to buffer 3221225472 bytes .*above the 2147483647 bytes an HTTP\/2 stream window of Envoy Gateway can hold/);
  });
});

describe('agentgateway: the Gateway frontend buffer holds the largest embeddings answer', () => {
  it("raises frontend.http.maxBufferSize of the Gateway's frontend policy to the answer", () => {
    const f = endpoint(GatewayProvider.AGENTGATEWAY, [chat, large]);
    f.build();
    const objects = synthObjects(f.app);
    const frontend = findObject(objects, 'AgentgatewayPolicy', 'gateway-frontend', 'edge');
    expect(frontend.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gateway' }]);
    expect(frontend.spec.frontend).toEqual({ http: { maxBufferSize: '153732Ki' } });
    expect(frontend.spec.traffic).toBeUndefined();
    expect(validateObjects(objects.map((object) => ({ object, file: `${object.kind}/${object.metadata.name}` })), { gatewayApiChannel: 'standard' }).map(formatIssue)).toEqual([]);
  });

  it("replaces agentgateway's 2 MiB with 50 MiB for an endpoint without embeddings, once per Gateway", () => {
    const f = endpoint(GatewayProvider.AGENTGATEWAY, [chat]);
    f.build();
    new OpenAiEndpoint(f.ns.models, 'more', { gateway: f.gateway.listener('https'), models: [{ ...small, name: 'bge-other' }] });
    const policies = objectsOfKind(synthObjects(f.app), 'AgentgatewayPolicy').filter((p) => p.spec.frontend !== undefined);
    expect(policies).toHaveLength(1);
    expect(policies[0].spec.frontend.http.maxBufferSize).toBe('50Mi');
  });

  it('refuses frontend settings on a policy that does not target a whole Gateway', () => {
    const f = endpoint(GatewayProvider.AGENTGATEWAY, [chat]);
    expect(() => new AgentgatewayPolicy(f.ns.edge, 'bad', { targets: [f.gateway.listener('https')], frontend: { maxBufferSize: Size.mebibytes(10) } })).toThrow(
      /frontend applies to whole Gateways only/,
    );
    const policy = new AgentgatewayPolicy(f.ns.edge, 'big', { targets: [f.gateway], frontend: { maxBufferSize: Size.mebibytes(10) } });
    expect(() => policy.raiseMaxBufferSize(Size.gibibytes(4))).toThrow(/frontend.maxBufferSize is above the 4294967295 bytes agentgateway accepts/);
  });
});

describe('OpenAiEndpoint bufferLimit: refused below the need', () => {
  it('refuses a bufferLimit below the largest embeddings answer, naming the model, the arithmetic and the size to use', () => {
    const f = endpoint(GatewayProvider.ENVOY_GATEWAY, [chat, large], Size.mebibytes(100));
    let error: unknown;
    try {
      f.build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelServingError);
    const message = (error as ModelServingError).message;
    expect(message).toContain('models/llms: bufferLimit is 104857600 bytes, below the 157421568 bytes of the embeddings');
    expect(message).toContain("model 'text-embedding-3-large' (157421568 bytes (2048 inputs × 3072 dimensions as JSON floats: 4096 + 2048 × (64 + 3072 × 25) = 157421568 bytes))");
    expect(message).toContain('(received: "100Mi")');
    expect(message).toContain('raise bufferLimit to at least Size.mebibytes(151)');
  });

  it('is refused the same way on agentgateway, and accepted at the need', () => {
    expect(() => endpoint(GatewayProvider.AGENTGATEWAY, [small], Size.kibibytes(512)).build()).toThrow(/bufferLimit is 524288 bytes, below the 825344 bytes/);
    expect(() => endpoint(GatewayProvider.AGENTGATEWAY, [small], Size.kibibytes(806)).build()).not.toThrow();
  });

  it('refuses an embeddings value that is not an EmbeddingsResponse', () => {
    const f = endpoint(GatewayProvider.ENVOY_GATEWAY, [{ ...small, embeddings: { bytes: 10 } as never }]);
    expect(() => f.build()).toThrow(/models\[0\].embeddings must be an EmbeddingsResponse/);
  });
});
