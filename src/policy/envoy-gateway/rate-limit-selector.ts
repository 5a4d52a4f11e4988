import { assertHttpHeaderName, assertHttpHeaderValue } from '../../core/http-header';
import { assertRe2, HttpMethod, PathMatch } from '../../routing/match';

/**
 * A request-header condition of a rate-limit rule
 * (`clientSelectors[].headers[]`).
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#headermatch
 */
export class HeaderSelector {
  /**
   * The header equals `value`.
   *
   * @param options `invert`: the rule applies when the header does not equal `value`
   */
  public static exact(name: string, value: string, options: { readonly invert?: boolean } = {}): HeaderSelector {
    assertHttpHeaderName('HeaderSelector.exact', 'name', name);
    assertHttpHeaderValue('HeaderSelector.exact', 'value', value);
    return new HeaderSelector(name, 'Exact', value, options.invert);
  }

  /**
   * The header matches the RE2 expression `pattern` (the whole value must match).
   *
   * @throws ModelServingError for a bad header name, or a pattern that is not valid RE2 or holds CR, LF or NUL
   * @param options `invert`: the rule applies when the header does not match
   */
  public static regex(name: string, pattern: string, options: { readonly invert?: boolean } = {}): HeaderSelector {
    assertHttpHeaderName('HeaderSelector.regex', 'name', name);
    assertHttpHeaderValue('HeaderSelector.regex', 'pattern', pattern);
    assertRe2('HeaderSelector.regex', 'pattern', pattern);
    return new HeaderSelector(name, 'RegularExpression', pattern, options.invert);
  }

  /**
   * Each distinct value of the header gets its own bucket (e.g. one per user
   * id); requests without the header are not counted by the rule.
   */
  public static distinct(name: string): HeaderSelector {
    return new HeaderSelector(name, 'Distinct', undefined, undefined);
  }

  private constructor(
    /** `name` (case-insensitive). */
    public readonly name: string,
    /** `type`. */
    public readonly type: 'Exact' | 'RegularExpression' | 'Distinct',
    /** `value` (none for `Distinct`). */
    public readonly value: string | undefined,
    /** `invert`. */
    public readonly invert: boolean | undefined,
  ) {}
}

/**
 * A client-address condition of a rate-limit rule
 * (`clientSelectors[].sourceCIDR`). The client address is the connection
 * peer, or the address taken from `X-Forwarded-For` when the Gateway's
 * ClientTrafficPolicy configures client IP detection.
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#sourcematch
 */
export class SourceCidrSelector {
  /**
   * The client address is in `cidr` (one bucket for the whole range).
   *
   * @param options `invert`: the rule applies to addresses outside `cidr`
   */
  public static range(cidr: string, options: { readonly invert?: boolean } = {}): SourceCidrSelector {
    return new SourceCidrSelector(cidr, 'Exact', options.invert);
  }

  /**
   * Each client address in `cidr` gets its own bucket. `0.0.0.0/0` covers
   * IPv4 only: add a second rule with `::/0` for IPv6 clients.
   */
  public static distinct(cidr: string): SourceCidrSelector {
    return new SourceCidrSelector(cidr, 'Distinct', undefined);
  }

  private constructor(
    /** `value`: the CIDR. */
    public readonly cidr: string,
    /** `type`. */
    public readonly type: 'Exact' | 'Distinct',
    /** `invert`. */
    public readonly invert: boolean | undefined,
  ) {}
}

/**
 * Which requests a rate-limit rule counts (`clientSelectors[]` entry): all
 * given conditions must hold. A rule with several selectors needs all of
 * them to hold too.
 *
 * @see https://gateway.envoyproxy.io/docs/api/extension_types/#ratelimitselectcondition
 */
export interface ClientSelector {
  /** `headers`: all must match; at most 128. @default - none */
  readonly headers?: readonly HeaderSelector[];
  /** `methods`: any one matches. @default - every method */
  readonly methods?: readonly HttpMethod[];
  /** `path`: `PathPrefix` compares whole `/`-separated segments. @default - every path */
  readonly path?: PathMatch;
  /** `sourceCIDR`. @default - every client address */
  readonly sourceCidr?: SourceCidrSelector;
}
