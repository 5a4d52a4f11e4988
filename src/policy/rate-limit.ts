import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { assertKnownKeys, assertOneOf, keysOf } from '../core/props';
import { checkProps } from '../core/prop-types';
import type { IPolicyRoute } from './policy-route';
import { describeTarget, isTierTarget, ITierTarget } from './tier-target';

/** The window a limit counts in. */
export enum TimeUnit {
  SECOND = 'second',
  MINUTE = 'minute',
  HOUR = 'hour',
  DAY = 'day',
}

/** Seconds in each {@link TimeUnit}. */
export const SECONDS_PER_UNIT: Readonly<Record<TimeUnit, number>> = {
  [TimeUnit.SECOND]: 1,
  [TimeUnit.MINUTE]: 60,
  [TimeUnit.HOUR]: 3600,
  [TimeUnit.DAY]: 86400,
};

/**
 * A request limit: at most `requestsPerUnit` requests per `unit`, counted
 * per counter key (see {@link CounterKey}) in the policy's scope.
 *
 * ```ts
 * RateLimit.perMinute(100) // 100 requests per minute
 * ```
 */
export class RateLimit {
  /** `n` requests per second. */
  public static perSecond(n: number): RateLimit {
    return new RateLimit(n, TimeUnit.SECOND);
  }

  /** `n` requests per minute. */
  public static perMinute(n: number): RateLimit {
    return new RateLimit(n, TimeUnit.MINUTE);
  }

  /** `n` requests per hour. */
  public static perHour(n: number): RateLimit {
    return new RateLimit(n, TimeUnit.HOUR);
  }

  /** `n` requests per day. */
  public static perDay(n: number): RateLimit {
    return new RateLimit(n, TimeUnit.DAY);
  }

  private constructor(
    /** Requests allowed per `unit` (a positive integer). */
    public readonly requestsPerUnit: number,
    /** The window. */
    public readonly unit: TimeUnit,
  ) {}

  /** Checks that the limit is a positive integer. @throws ModelServingError otherwise */
  public check(scope: IConstruct | string, field: string): void {
    if (typeof this.requestsPerUnit !== 'number' || !Number.isInteger(this.requestsPerUnit) || this.requestsPerUnit < 1) {
      invalid(scope, `${field}.requestsPerUnit`, `must be a positive integer (requests per ${this.unit})`, this.requestsPerUnit, 'use e.g. RateLimit.perMinute(100); for no limit declare the tier unlimited');
    }
    if (this.requestsPerUnit > Number.MAX_SAFE_INTEGER) {
      invalid(scope, `${field}.requestsPerUnit`, `must be at most ${Number.MAX_SAFE_INTEGER} (a larger number is already rounded; each provider may allow less)`, this.requestsPerUnit, 'use e.g. RateLimit.perMinute(100); for no limit declare the tier unlimited');
    }
    assertOneOf(scope, `${field}.unit`, this.unit, Object.values(TimeUnit));
  }

  /** Readable form: `100 requests/minute`. */
  public toString(): string {
    return `${this.requestsPerUnit} requests/${this.unit}`;
  }
}

/**
 * Which tokens of a response count against a {@link TokenLimit}, read from
 * the OpenAI-style `usage` object the model server returns (the gateway can
 * count only what the response reports).
 */
export enum TokenCount {
  /** `usage.total_tokens` (prompt plus completion). Every token-aware engine counts it. */
  TOTAL = 'total',
  /** `usage.prompt_tokens`: the input, cached or not. */
  INPUT = 'input',
  /** `usage.completion_tokens`: the output (reasoning tokens included). */
  OUTPUT = 'output',
  /** `usage.prompt_tokens_details.cached_tokens`: input served from the prompt cache, where the provider reports it. */
  CACHED_INPUT = 'cached-input',
}

/** Where each {@link TokenCount} is read in an OpenAI-style response (for reports and errors). */
export const TOKEN_COUNT_FIELD: Readonly<Record<TokenCount, string>> = {
  [TokenCount.TOTAL]: 'usage.total_tokens',
  [TokenCount.INPUT]: 'usage.prompt_tokens',
  [TokenCount.OUTPUT]: 'usage.completion_tokens',
  [TokenCount.CACHED_INPUT]: 'usage.prompt_tokens_details.cached_tokens',
};

/** Options of the {@link TokenLimit} factories. */
export interface TokenLimitOptions {
  /** Which tokens count against the budget. @default TokenCount.TOTAL */
  readonly counts?: TokenCount;
  /**
   * The models the budget applies to (a per-model budget): routes
   * (`HttpRoute`, `GrpcRoute`) or `ModelEndpoint`s, each of which the tier
   * or the subscription grant holding the limit must be allowed to call.
   * Each model is counted in its own bucket when the policy's `limitScope`
   * is `ROUTE` (the default), in one shared bucket when it is `GATEWAY`.
   * @default - every model the tier or subscription grant may call
   */
  readonly models?: readonly ITierTarget[];
}

/**
 * An LLM token budget: at most `tokensPerUnit` tokens of kind `counts`
 * (default: total tokens, OpenAI `usage.total_tokens`) per `unit`, counted
 * per the policy's `counterKey` (the user by default) and, for each model it
 * applies to, within the policy's `limitScope`. Tokens are known only after
 * a response, so a request is refused (429) once the budget is spent, and
 * the request that spends it may overshoot. Streaming responses report
 * usage only when the request asks for it (`stream_options: {
 * include_usage: true }`); engines count nothing for a response without
 * usage.
 *
 * ```ts
 * TokenLimit.perMinute(10_000)                                         // total tokens, every model the holder may call
 * TokenLimit.perDay(200_000, { counts: TokenCount.OUTPUT, models: [qwen] }) // output tokens of one model
 * ```
 *
 * Not every engine counts every kind: Kuadrant counts only TOTAL; an engine
 * refuses at synth (ModelServingError naming the engine, the limit and the
 * alternative) what it cannot count.
 */
export class TokenLimit {
  /**
   * `n` tokens per minute. The number is checked by `check()`, which the
   * AccessPolicy runs.
   * @throws ModelServingError when `options` is not an object or has unknown keys
   */
  public static perMinute(n: number, options: TokenLimitOptions = {}): TokenLimit {
    return new TokenLimit(n, TimeUnit.MINUTE, options);
  }

  /** `n` tokens per hour. */
  public static perHour(n: number, options: TokenLimitOptions = {}): TokenLimit {
    return new TokenLimit(n, TimeUnit.HOUR, options);
  }

  /** `n` tokens per day. */
  public static perDay(n: number, options: TokenLimitOptions = {}): TokenLimit {
    return new TokenLimit(n, TimeUnit.DAY, options);
  }

  /** Which tokens count. */
  public readonly counts: TokenCount;
  /** The models the budget is limited to; undefined: every model its holder may call. */
  public readonly models?: readonly ITierTarget[];

  private constructor(
    /** Tokens allowed per `unit` (a positive integer). */
    public readonly tokensPerUnit: number,
    /** The window. */
    public readonly unit: TimeUnit,
    options: TokenLimitOptions,
  ) {
    checkProps('TokenLimit', options, 'TokenLimitOptions');
    assertKnownKeys('TokenLimit', '', options, keysOf<TokenLimitOptions>({ counts: true, models: true }));
    this.counts = options.counts ?? TokenCount.TOTAL;
    this.models = options.models;
  }

  /** The routes the budget is limited to (endpoints expanded); undefined: every model of its holder. */
  public get routes(): readonly IPolicyRoute[] | undefined {
    return this.models?.filter(isTierTarget).flatMap((m) => m.tierRoutes);
  }

  /**
   * Checks the limit: a positive integer (a budget of 0 is refused: leave
   * the model out of the tier or subscription instead), a known unit and
   * count, and `models` a non-empty list of routes or ModelEndpoints.
   *
   * @throws ModelServingError otherwise
   */
  public check(scope: IConstruct | string, field: string): void {
    if (typeof this.tokensPerUnit !== 'number' || !Number.isInteger(this.tokensPerUnit) || this.tokensPerUnit < 1) {
      invalid(scope, `${field}.tokensPerUnit`, `must be a positive integer (tokens per ${this.unit}); a budget of 0 would refuse every request after the first`, this.tokensPerUnit, 'use e.g. TokenLimit.perMinute(10000); to deny a model, leave it out of the tier or subscription');
    }
    if (this.tokensPerUnit > Number.MAX_SAFE_INTEGER) {
      invalid(scope, `${field}.tokensPerUnit`, `must be at most ${Number.MAX_SAFE_INTEGER} (a larger number is already rounded; each provider may allow less)`, this.tokensPerUnit, 'use e.g. TokenLimit.perMinute(10000)');
    }
    assertOneOf(scope, `${field}.unit`, this.unit, Object.values(TimeUnit));
    assertOneOf(scope, `${field}.counts`, this.counts, Object.values(TokenCount));
    if (this.models !== undefined) {
      if (!Array.isArray(this.models) || this.models.length === 0) {
        invalid(scope, `${field}.models`, 'must be a non-empty list of routes or ModelEndpoints (omit it for every model)', this.models, 'pass models: [endpoint], or leave models out');
      }
      this.models.forEach((m, i) => {
        if (typeof m === 'string') invalid(scope, `${field}.models[${i}]`, 'names a model by a string; budgets refer to the route or ModelEndpoint object itself', m, 'pass the ModelEndpoint (or HttpRoute, GrpcRoute) object');
        if (!isTierTarget(m)) invalid(scope, `${field}.models[${i}]`, 'must be a route (HttpRoute, GrpcRoute) or a ModelEndpoint', describeTarget(m), 'pass the construct the budget applies to');
      });
    }
  }

  /** True when the budget applies to `route` (the same route object). */
  public appliesTo(route: IPolicyRoute): boolean {
    const r = this.routes;
    return r === undefined || r.includes(route);
  }

  /** Readable form: `10000 tokens/minute` (total tokens), `500 output tokens/minute`. */
  public toString(): string {
    const kind = this.counts === TokenCount.TOTAL || this.counts === undefined ? '' : `${this.counts} `;
    return `${this.tokensPerUnit} ${kind}tokens/${this.unit}`;
  }
}

/** What a limit counts requests by. */
export enum CounterKey {
  /** The authenticated user id (JWT subject claim, or the key's user id). */
  USER = 'user',
  /** The API key (or JWT) itself: two keys of one user count separately. */
  API_KEY = 'api-key',
  /** The client IP address. */
  CLIENT_IP = 'client-ip',
}

/**
 * Where counters live. This is an explicit choice because it changes what a
 * limit means:
 * - `LOCAL`: each gateway replica counts on its own; with N replicas a
 *   client can get up to N times the limit, and counts reset on restart.
 * - `GLOBAL`: one shared counter (Redis, Limitador); exact across replicas,
 *   at the cost of a call to the rate-limit service per request.
 */
export enum RateLimitMode {
  LOCAL = 'local',
  GLOBAL = 'global',
}

/** Which requests share a bucket. */
export enum LimitScope {
  /** Each route (model) has its own bucket per counter key. */
  ROUTE = 'route',
  /** One bucket per counter key across every route the policy covers. */
  GATEWAY = 'gateway',
}
