// Parses Prometheus' text format with a library (not our own regexes), so a malformed /metrics
// fails the test; and reads one sample's value.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface MetricFamily {
  name: string;
  help: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string> }[];
}

export const parseMetrics = (text: string): MetricFamily[] => parsePrometheusTextFormat(text) as MetricFamily[];

/** The value of the sample of `name` whose labels include `labels`; 0 when there is none. */
export function sample(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found?.value === undefined ? 0 : Number(found.value);
}
