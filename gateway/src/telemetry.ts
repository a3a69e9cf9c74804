import type { Fetcher } from '@apollo/utils.fetcher';
import { Histogram, Registry } from 'prom-client';

/** `crm_gateway_subgraph_fetch_duration_seconds{subgraph,outcome}`: each subgraph call, from send to headers. */
export function subgraphFetchHistogram(): Histogram<'subgraph' | 'outcome'> {
  return new Histogram({
    name: 'crm_gateway_subgraph_fetch_duration_seconds',
    help: 'Gateway to subgraph call duration, until the response headers arrive',
    labelNames: ['subgraph', 'outcome'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  });
}

/** The fetcher of one subgraph, timed. Outcome: the HTTP status class, or `failed` (no answer). */
export function timedFetcher(subgraph: string, fetcher: Fetcher, histogram: Histogram<'subgraph' | 'outcome'>): Fetcher {
  return (async (url, init) => {
    const end = histogram.startTimer({ subgraph });
    try {
      const response = await fetcher(url, init);
      end({ outcome: `${Math.floor(response.status / 100)}xx` });
      return response;
    } catch (err) {
      end({ outcome: 'failed' });
      throw err;
    }
  }) as Fetcher;
}

export function registerGatewayMetrics(registry: Registry, histogram: Histogram<'subgraph' | 'outcome'>): void {
  registry.registerMetric(histogram);
}
