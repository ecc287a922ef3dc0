/**
 * The fault controller's series (service/src/fault-controller/metric-names.ts is their single source; a
 * Prometheus text endpoint of its own, so the names are served as written, no OTLP translation).
 */
import { faultMetrics } from '@lab/service/fault-controller';

export const faultControllerSeries: readonly string[] = Object.values(faultMetrics).map((metric) => metric.name);
