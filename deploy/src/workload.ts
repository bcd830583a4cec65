/**
 * The exporter's ServiceAccount and Deployment. One replica on purpose: every replica asks DMS about
 * every order on every scrape, so two replicas double the DMS calls (and the throttling risk) for
 * no more data. A restart costs a scrape or two; the exporter-down alert waits 5 minutes.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import type { IContainer, IProbe } from 'kubernetes-models/v1';
import { ServiceAccount } from 'kubernetes-models/v1';
import {
  APP,
  IMAGE,
  LABELS,
  METRICS_PORT,
  METRICS_PORT_NAME,
  NAMES,
  PATHS,
  PROBE_TIMING,
  RESOURCES,
  type ProbeTiming,
  RRSA_ROLE_ANNOTATION,
  RRSA_ROLE_NAME,
  SELECTOR_LABELS,
} from './constants.js';

export function serviceAccount(): ServiceAccount {
  return new ServiceAccount({
    metadata: {
      name: APP,
      labels: { ...LABELS },
      // ACK RRSA: with the namespace labelled pod-identity.alibabacloud.com/injection=on, the pod
      // identity webhook gives pods of this ServiceAccount a token for this RAM role. Ignored elsewhere.
      annotations: { [RRSA_ROLE_ANNOTATION]: RRSA_ROLE_NAME },
    },
    // The exporter never talks to the Kubernetes API. (RRSA mounts its own projected token.)
    automountServiceAccountToken: false,
  });
}

/** The flags every variant starts with; overlays append to a copy (a patch replaces the whole list). */
export const BASE_ARGS: readonly string[] = [`--config.file=${PATHS.configFile}`, '--log.format=json'];

/** Liveness and readiness over plain HTTP (the base has no web config, so no auth). */
function httpProbes(): Pick<IContainer, 'livenessProbe' | 'readinessProbe'> {
  const probe = (path: string, timing: ProbeTiming): IProbe => ({
    httpGet: { path, port: METRICS_PORT_NAME },
    ...timing,
  });
  // /-/healthy answers while the process runs; /-/ready once a valid config is loaded. Neither calls DMS.
  return {
    livenessProbe: probe('/-/healthy', PROBE_TIMING.liveness),
    readinessProbe: probe('/-/ready', PROBE_TIMING.readiness),
  };
}

function container(): IContainer {
  return {
    name: APP,
    image: IMAGE,
    imagePullPolicy: 'IfNotPresent',
    args: [...BASE_ARGS],
    ports: [{ name: METRICS_PORT_NAME, containerPort: METRICS_PORT, protocol: 'TCP' }],
    ...httpProbes(),
    resources: { requests: { ...RESOURCES.requests }, limits: { ...RESOURCES.limits } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'config', mountPath: PATHS.configDir, readOnly: true },
      // The exporter writes nothing at run time; a small /tmp in case a library does.
      { name: 'tmp', mountPath: '/tmp' },
    ],
  };
}

export function deployment(): Deployment {
  return new Deployment({
    metadata: { name: APP, labels: { ...LABELS } },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: { ...SELECTOR_LABELS } },
      // The new pod is ready before the old one goes: for a moment both answer scrapes (the DMS
      // calls of one extra scrape), never neither.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...LABELS } },
        spec: {
          serviceAccountName: APP,
          automountServiceAccountToken: false,
          // The image's `node` user and group.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // SIGTERM stops the exporter in well under a second (npm run image:check times it).
          terminationGracePeriodSeconds: 10,
          enableServiceLinks: false,
          containers: [container()],
          volumes: [
            { name: 'config', configMap: { name: NAMES.config } },
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
          ],
        },
      },
    },
  });
}
