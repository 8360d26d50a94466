// Prometheus metrics of a process: pipeline counters and step durations recorded by the workers, queue depths read
// from Redis when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly stepDuration = new Histogram({
    name: 'faldone_step_duration_seconds',
    help: 'Duration of pipeline steps',
    labelNames: ['step', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly documents = new Counter({
    name: 'faldone_documents_total',
    help: 'Documents that reached a final status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly pages = new Counter({ name: 'faldone_pages_ocr_total', help: 'Pages recognised', registers: [this.registry] });
  readonly failures = new Counter({
    name: 'faldone_failures_total',
    help: 'Documents failed, by step and reason',
    labelNames: ['step', 'reason'] as const,
    registers: [this.registry],
  });
  readonly ocrConfidence = new Histogram({
    name: 'faldone_ocr_confidence',
    help: 'Mean word confidence of recognised pages (0-100)',
    buckets: [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'faldone_queue_jobs',
    help: 'Jobs per pipeline queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'faldone_' });
  }
}

/** Reasons become a small label set: the first words of the message, without numbers or ids. */
export function reasonLabel(reason: string): string {
  return reason.toLowerCase().replace(/[0-9a-f]{16,}/g, '').replace(/\d+/g, 'N').split(/[:(]/)[0]!.trim().slice(0, 60) || 'unknown';
}
