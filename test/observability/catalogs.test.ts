import { describe, expect, it } from 'vitest';
import { Catalogs } from '../../src/observability/catalogs';
import { MetricCatalog } from '../../src/observability/metric-catalog';

const ALL = Catalogs.all();

describe('metric catalogs', () => {
  it('document every metric with a valid name, a type and an https source', () => {
    for (const c of ALL) {
      expect(c.entries.length).toBeGreaterThan(0);
      for (const [name, info] of c.entries) {
        expect(name, c.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
        expect(info.source, name).toMatch(/^https:\/\//);
        expect(info.help.length, name).toBeGreaterThan(5);
        expect(['counter', 'gauge', 'histogram', 'summary', 'info']).toContain(info.type);
        // histograms are listed by base name: their series add _bucket, _sum and _count
        if (info.type === 'histogram') expect(name).not.toMatch(/_(bucket|sum|count)$/);
      }
    }
  });

  it('resolve histogram series and refuse typos', () => {
    expect(Catalogs.KSERVE.has('request_predict_seconds_bucket')).toBe(true);
    expect(Catalogs.KSERVE.has('request_predict_seconds_count')).toBe(true);
    expect(Catalogs.KSERVE.has('request_predict_second_bucket')).toBe(false);
    expect(Catalogs.KONG.has('kong_latency_bucket')).toBe(false); // Kong 2.x name, gone in 3.0
    expect(Catalogs.KONG.has('kong_http_requests_total_bucket')).toBe(false);
    expect(Catalogs.VLLM.has('vllm:kv_cache_usage_perc')).toBe(true);
  });

  it('merge', () => {
    const m = MetricCatalog.merge('m', [Catalogs.KONG, Catalogs.PROMETHEUS]);
    expect(m.has('up') && m.has('kong_http_requests_total')).toBe(true);
    expect(m.has('istio_requests_total')).toBe(false);
  });
});
