import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { assertOneOf } from '../core/props';

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
 * An LLM token limit: at most `tokensPerUnit` tokens (prompt plus
 * completion, from the OpenAI `usage.total_tokens` of responses) per `unit`,
 * per user. Tokens are known only after a response, so a request is refused
 * once the budget is spent, and the last request may overshoot it.
 */
export class TokenLimit {
  /** `n` tokens per minute. */
  public static perMinute(n: number): TokenLimit {
    return new TokenLimit(n, TimeUnit.MINUTE);
  }

  /** `n` tokens per hour. */
  public static perHour(n: number): TokenLimit {
    return new TokenLimit(n, TimeUnit.HOUR);
  }

  /** `n` tokens per day. */
  public static perDay(n: number): TokenLimit {
    return new TokenLimit(n, TimeUnit.DAY);
  }

  private constructor(
    /** Tokens allowed per `unit` (a positive integer). */
    public readonly tokensPerUnit: number,
    /** The window. */
    public readonly unit: TimeUnit,
  ) {}

  /** Checks that the limit is a positive integer. @throws ModelServingError otherwise */
  public check(scope: IConstruct | string, field: string): void {
    if (typeof this.tokensPerUnit !== 'number' || !Number.isInteger(this.tokensPerUnit) || this.tokensPerUnit < 1) {
      invalid(scope, `${field}.tokensPerUnit`, `must be a positive integer (tokens per ${this.unit})`, this.tokensPerUnit, 'use e.g. TokenLimit.perMinute(10000)');
    }
    if (this.tokensPerUnit > Number.MAX_SAFE_INTEGER) {
      invalid(scope, `${field}.tokensPerUnit`, `must be at most ${Number.MAX_SAFE_INTEGER} (a larger number is already rounded; each provider may allow less)`, this.tokensPerUnit, 'use e.g. TokenLimit.perMinute(10000)');
    }
    assertOneOf(scope, `${field}.unit`, this.unit, Object.values(TimeUnit));
  }

  /** Readable form: `10000 tokens/minute`. */
  public toString(): string {
    return `${this.tokensPerUnit} tokens/${this.unit}`;
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
