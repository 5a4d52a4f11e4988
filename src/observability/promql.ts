/**
 * Small, dependency-free PromQL helpers: label matchers rendered with correct
 * escaping, selectors, and the list of metric names an expression reads.
 *
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/
 */

import { invalid } from '../core/errors';

/** A label matcher operator. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector: `label op "value"`. */
export class LabelMatcher {
  /** `label="value"`. */
  public static eq(label: string, value: string): LabelMatcher {
    return new LabelMatcher(label, '=', value);
  }

  /** `label!="value"`. */
  public static ne(label: string, value: string): LabelMatcher {
    return new LabelMatcher(label, '!=', value);
  }

  /** `label=~"regex"` (RE2, fully anchored by Prometheus). */
  public static re(label: string, regex: string): LabelMatcher {
    return new LabelMatcher(label, '=~', regex);
  }

  /** `label!~"regex"`. */
  public static nre(label: string, regex: string): LabelMatcher {
    return new LabelMatcher(label, '!~', regex);
  }

  /** One equality matcher per entry of `labels`, in key order. */
  public static fromRecord(labels: Readonly<Record<string, string>>): LabelMatcher[] {
    return Object.keys(labels)
      .sort()
      .map((k) => LabelMatcher.eq(k, labels[k]));
  }

  private constructor(
    /** The label name. */
    public readonly label: string,
    /** The operator. */
    public readonly op: MatchOp,
    /** The value or regex, unescaped. */
    public readonly value: string,
  ) {}

  /** The matcher as PromQL: `label="value"` with `\`, `"` and newlines escaped. */
  public render(): string {
    return `${this.label}${this.op}"${escapeLabelValue(this.value)}"`;
  }
}

/** Escapes a label value for a double-quoted PromQL string. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `metric{m1,m2}` (or `metric` without matchers). */
export function selector(metric: string, matchers: readonly LabelMatcher[]): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.map((m) => m.render()).join(',')}}`;
}

/** A regex that matches a histogram `le` value however the client formats the number (`1`, `1.0`, `0.5`). */
export function leRegex(bound: number): string {
  const text = String(bound);
  return Number.isInteger(bound) ? `${text}(\\.0+)?` : `${text}0*`;
}

/**
 * Renders a number for PromQL without exponent noise (`0.005`, not `5e-3`).
 *
 * @throws ModelServingError when `n` is NaN or infinite (a threshold or ratio computed from bad input)
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) invalid('formatNumber', 'n', 'must be a finite number', n, 'check the threshold, ratio or bound that produced it: alert and SLO thresholds must be finite numbers, not NaN or Infinity');
  const fixed = Number(n.toPrecision(12));
  const text = String(fixed);
  if (!/e/i.test(text)) return text;
  return fixed.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan', 'start', 'end']);
const AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group', 'limitk', 'limit_ratio']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/**
 * The metric names an expression reads, sorted and de-duplicated: every
 * identifier that is not a function, aggregation, keyword, label name or
 * label list entry. Used to check expressions against metric catalogs.
 *
 * @throws Error when brackets or strings are unbalanced
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  const n = expr.length;
  const skipString = (quote: string): void => {
    i++;
    while (i < n && expr[i] !== quote) {
      if (expr[i] === '\\' && quote !== '`') i++;
      i++;
    }
    if (i >= n) throw new Error(`unterminated string in PromQL: ${expr}`);
    i++;
  };
  const skipBlock = (open: string, close: string): void => {
    let depth = 0;
    do {
      const c = expr[i];
      if (c === '"' || c === "'" || c === '`') {
        skipString(c);
        continue;
      }
      if (c === open) depth++;
      if (c === close) depth--;
      i++;
    } while (depth > 0 && i < n);
    if (depth !== 0) throw new Error(`unbalanced '${open}' in PromQL: ${expr}`);
  };
  const skipSpaces = (): void => {
    while (i < n && /\s/.test(expr[i])) i++;
  };
  while (i < n) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      skipString(c);
    } else if (c === '{') {
      skipBlock('{', '}');
    } else if (c === '[') {
      skipBlock('[', ']');
    } else if (c === '#') {
      while (i < n && expr[i] !== '\n') i++;
    } else if (/[0-9.]/.test(c)) {
      while (i < n && /[0-9a-zA-Z_.]/.test(expr[i])) i++;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const start = i;
      while (i < n && /[a-zA-Z0-9_:]/.test(expr[i])) i++;
      const word = expr.slice(start, i);
      skipSpaces();
      if (LABEL_LIST_KEYWORDS.has(word.toLowerCase())) {
        if (expr[i] === '(') skipBlock('(', ')');
      } else if (KEYWORDS.has(word.toLowerCase()) || AGGREGATIONS.has(word.toLowerCase())) {
        // operator, modifier or aggregation (`sum by (le) (...)`): not a metric
      } else if (expr[i] !== '(') {
        names.add(word);
      }
    } else {
      i++;
    }
  }
  return [...names].sort();
}
