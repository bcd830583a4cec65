/** How the exporter is reached: its Service, the NetworkPolicy that admits only the metrics port, the PDB. */
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service } from 'kubernetes-models/v1';
import {
  APP,
  JOB_LABEL,
  LABELS,
  METRICS_PORT,
  METRICS_PORT_NAME,
  SCRAPE_JOB,
  SELECTOR_LABELS,
} from './constants.js';

export function service(): Service {
  return new Service({
    metadata: { name: APP, labels: { ...LABELS, [JOB_LABEL]: SCRAPE_JOB } },
    spec: {
      type: 'ClusterIP',
      selector: { ...SELECTOR_LABELS },
      ports: [
        { name: METRICS_PORT_NAME, port: METRICS_PORT, targetPort: METRICS_PORT_NAME, protocol: 'TCP' },
      ],
    },
  });
}

/**
 * Ingress only to the metrics port, from anywhere in the cluster (Prometheus may run in any
 * namespace: `monitoring`, ACK's `arms-prom`, ...). Narrow `from` in an overlay when you know it.
 * Egress stays open: the DMS endpoint, STS (for RRSA) and DNS resolve to addresses that change.
 */
export function networkPolicy(): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: APP, labels: { ...LABELS } },
    spec: {
      podSelector: { matchLabels: { ...SELECTOR_LABELS } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: METRICS_PORT, protocol: 'TCP' }] }],
    },
  });
}

/**
 * With one replica, `maxUnavailable: 1` lets a node drain evict the exporter (it is stateless and
 * back on another node within seconds) instead of blocking the drain as `minAvailable: 1` would.
 * The budget states that on purpose, so a cluster policy that demands a PDB gets this one.
 */
export function podDisruptionBudget(): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: APP, labels: { ...LABELS } },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: { ...SELECTOR_LABELS } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
