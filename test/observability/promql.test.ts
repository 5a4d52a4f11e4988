import { describe, expect, it } from 'vitest';
import { ModelServingError } from '../../src/core/errors';
import { escapeLabelValue, formatNumber, LabelMatcher, leRegex, metricNamesIn, selector } from '../../src/observability/promql';

describe('metricNamesIn', () => {
  it('finds metrics and skips functions, aggregations, keywords, labels and strings', () => {
    const expr = 'histogram_quantile(0.95, sum by (le, namespace) (rate(request_predict_seconds_bucket{namespace="a",le=~"0.5"}[5m]))) > 1 and on (namespace) up{job="x"} == 0 or absent(up{job="x"}) unless vllm:num_requests_waiting offset 5m';
    expect(metricNamesIn(expr)).toEqual(['request_predict_seconds_bucket', 'up', 'vllm:num_requests_waiting']);
  });

  it('skips label_replace strings and group_left label lists', () => {
    expect(metricNamesIn('label_replace(a_total, "dst", "$1", "src", "(.*)") / ignoring (revision) group_left (foo) b_total')).toEqual(['a_total', 'b_total']);
  });

  it('fails when brackets are unbalanced', () => {
    expect(() => metricNamesIn('sum(rate(x{a="b"[5m]))')).toThrow(/unbalanced/);
  });

  it('fails when a string is not terminated', () => {
    expect(() => metricNamesIn('x{a="b}')).toThrow(/unterminated/);
  });
});

describe('selectors', () => {
  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(selector('up', [LabelMatcher.eq('job', 'a"b'), LabelMatcher.re('pod', 'x-.*'), LabelMatcher.ne('c', ''), LabelMatcher.nre('d', 'e')])).toBe('up{job="a\\"b",pod=~"x-.*",c!="",d!~"e"}');
    expect(selector('up', [])).toBe('up');
  });

  it('matches le values however clients print them', () => {
    expect(new RegExp(`^(?:${leRegex(1)})$`).test('1.0')).toBe(true);
    expect(new RegExp(`^(?:${leRegex(1)})$`).test('1')).toBe(true);
    expect(new RegExp(`^(?:${leRegex(0.5)})$`).test('0.50')).toBe(true);
    expect(new RegExp(`^(?:${leRegex(500)})$`).test('5000')).toBe(false);
  });

  it('prints numbers without exponents', () => {
    expect(formatNumber(0.0000125)).toBe('0.0000125');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(14.4)).toBe('14.4');
  });

  it('fails when a number is not finite', () => {
    expect(() => formatNumber(Number.NaN)).toThrow(ModelServingError);
    expect(() => formatNumber(Number.NaN)).toThrow(/^formatNumber: n must be a finite number \(received: NaN\)\. Fix: check the threshold/);
    expect(() => formatNumber(Number.POSITIVE_INFINITY)).toThrow(/^formatNumber: n must be a finite number \(received: Infinity\)/);
  });
});
