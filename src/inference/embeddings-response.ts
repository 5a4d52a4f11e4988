import { Size } from 'cdk8s';
import { sizeInBytes } from '../core/byte-size';
import { invalid } from '../core/errors';
import { assertInteger, assertKnownKeys, keysOf } from '../core/props';
import { isPlainObject } from '../core/prop-types';

/**
 * Bytes one embedding value takes in the JSON answer, at most: 24
 * characters for the longest float64 Python's `json` prints (sign, 17
 * significant digits, the decimal point and an exponent:
 * `-2.2250738585072014e-308`; shortest round-trip printers such as ryu
 * are no longer) and the comma after it. vLLM's OpenAI server answers through Python's
 * `json` (FastAPI), which prints each float32 value, widened to float64,
 * with up to 17 significant digits (`0.10000000149011612`,
 * `-1.2345678901234567e-05`); Text Embeddings Inference serializes
 * `Vec<f32>` with serde_json (router/src/http/types.rs), at most 9
 * significant digits, so 25 bounds both.
 */
export const EMBEDDING_VALUE_JSON_BYTES = 25;

/**
 * Bytes around each embedding, at most: `{"index":<up to 10 digits>,"object":"embedding","embedding":[`
 * (54) and `]},` (3), rounded up.
 */
export const EMBEDDING_ITEM_JSON_BYTES = 64;

/**
 * Bytes of the answer around `data`, at most: `id`, `object`, `created`,
 * `model` (at most 253 characters here) and `usage`.
 */
export const EMBEDDINGS_ENVELOPE_JSON_BYTES = 4096;

/** Largest dimensions and batch accepted (beyond any served model; keeps the arithmetic exact). */
const MAX_COUNT = 1_048_576;

/** The largest embeddings answer of a model stated by its shape. */
export interface EmbeddingsBatch {
  /**
   * Values per embedding: the model's output dimensions (e.g. 3072 for
   * `text-embedding-3-large`, 1024 for `BAAI/bge-m3`). A request's
   * `dimensions` can only shorten it.
   */
  readonly dimensions: number;
  /**
   * Most inputs one request may embed (the length of the request's `input`
   * list): what the server accepts, e.g. Text Embeddings Inference's
   * `--max-client-batch-size` (default 32: router/src/main.rs at v1.8.0) or
   * OpenAI's 2048; for a server that sets no cap, the largest batch your
   * clients send.
   */
  readonly maxInputs: number;
}

/**
 * The largest answer an embeddings model gives to `POST /v1/embeddings`,
 * in bytes. A gateway that reads a non-streamed answer whole (Envoy AI
 * Gateway for the usage, agentgateway for its AI backends) fails a larger
 * answer: the buffer it is allowed must hold this ({@link OpenAiModel.embeddings}).
 *
 * {@link EmbeddingsResponse.batch} computes it from the model's dimensions
 * and largest batch for the default `encoding_format: "float"`, the worst
 * case:
 *
 * `bytes = 4096 + maxInputs × (64 + dimensions × 25)`
 *
 * (25 bytes per value: {@link EMBEDDING_VALUE_JSON_BYTES}; 64 per embedding:
 * {@link EMBEDDING_ITEM_JSON_BYTES}; 4 KiB for the rest:
 * {@link EMBEDDINGS_ENVELOPE_JSON_BYTES}). With `encoding_format: "base64"`
 * each embedding is its float32 bytes (4 per value) in base64,
 * `4 × ⌈4 × dimensions / 3⌉` characters, about 5.3 bytes per value: the
 * float form bounds both, and the client, not the gateway, chooses it.
 * 3072 dimensions × 2048 inputs are 157 421 568 bytes (150.1 MiB); 1024 ×
 * 32 are 825 344 bytes (806 KiB).
 *
 * {@link EmbeddingsResponse.ofSize} states a measured bound instead.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create (input, dimensions, encoding_format)
 */
export class EmbeddingsResponse {
  /**
   * The worst case of a model's answer from its dimensions and largest
   * batch (JSON floats).
   * @throws ModelServingError when `dimensions` or `maxInputs` is not an integer between 1 and 1 048 576
   */
  public static batch(batch: EmbeddingsBatch): EmbeddingsResponse {
    const where = 'EmbeddingsResponse.batch';
    if (!isPlainObject(batch)) invalid(where, 'batch', 'must be an object', batch, 'pass EmbeddingsResponse.batch({ dimensions: 1024, maxInputs: 32 })');
    assertKnownKeys(where, 'batch', batch, keysOf<EmbeddingsBatch>({ dimensions: true, maxInputs: true }));
    const dimensions = assertInteger(where, 'dimensions', batch.dimensions, { min: 1, max: MAX_COUNT, fix: "pass the model's output dimensions, e.g. dimensions: 1024" });
    const maxInputs = assertInteger(where, 'maxInputs', batch.maxInputs, { min: 1, max: MAX_COUNT, fix: 'pass the largest input list the server accepts, e.g. maxInputs: 32 (TEI --max-client-batch-size)' });
    const bytes = EMBEDDINGS_ENVELOPE_JSON_BYTES + maxInputs * (EMBEDDING_ITEM_JSON_BYTES + dimensions * EMBEDDING_VALUE_JSON_BYTES);
    return new EmbeddingsResponse(bytes, `${maxInputs} inputs × ${dimensions} dimensions as JSON floats: 4096 + ${maxInputs} × (64 + ${dimensions} × 25) = ${bytes} bytes`);
  }

  /**
   * A bound stated directly (e.g. measured on the largest batch the server
   * accepts).
   * @throws ModelServingError for a size that is not a positive whole number of KiB
   */
  public static ofSize(size: Size): EmbeddingsResponse {
    const bytes = sizeInBytes('EmbeddingsResponse.ofSize', 'size', size);
    return new EmbeddingsResponse(bytes, `stated as ${size.asString()} = ${bytes} bytes`);
  }

  private constructor(
    /** The largest answer, in bytes. */
    public readonly bytes: number,
    /** How it was obtained, for messages. */
    public readonly derivation: string,
  ) {}

  /** `<bytes> bytes (<derivation>)`. */
  public toString(): string {
    return `${this.bytes} bytes (${this.derivation})`;
  }
}
