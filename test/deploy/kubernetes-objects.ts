/**
 * Helpers for the deploy tests: `kubectl kustomize` (skipped, saying why, where kubectl is missing)
 * and schema validation of rendered objects by their apiVersion and kind.
 */
import { spawnSync } from 'node:child_process';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Every kind the manifests may contain, with the model that validates it. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/**
 * Kustomize writes long Secret values as base64 broken into lines; the API server's decoder skips
 * line breaks, the schema's `byte` format does not. Join them before validating.
 */
function withUnwrappedSecretData(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\n/g, ''),
    ]),
  );
  return { ...object, data };
}

/** Throws with the object's kind and name when it does not match its API schema (or its kind is unknown). */
export function validateObject(object: KubeObject): void {
  const id = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[id];
  if (Model === undefined) throw new Error(`${id} ${object.metadata.name}: no model for this kind`);
  try {
    new Model(withUnwrappedSecretData(object) as never).validate();
  } catch (error) {
    throw new Error(`${id} ${object.metadata.name}: ${(error as Error).message}`, { cause: error });
  }
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

function findKubectl(): { path: string } | { missing: string } {
  const run = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 });
  if (run.error) return { missing: `kubectl is not installed (${run.error.message})` };
  if (run.status !== 0) return { missing: `kubectl version --client failed: ${run.stderr}` };
  return { path: 'kubectl' };
}

const kubectl = findKubectl();

/**
 * Why `kubectl kustomize` cannot run here, or undefined when it can. kubectl cannot be installed from
 * the package registries this project uses, so its absence skips only the steps that need it.
 */
export const KUBECTL_MISSING: string | undefined = 'missing' in kubectl ? kubectl.missing : undefined;

export function kustomize(dir: string): KubeObject[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${run.stderr}`);
  return parseObjects(run.stdout);
}

export function findObject(objects: readonly KubeObject[], kind: string, namePrefix: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.startsWith(namePrefix));
  if (found.length !== 1) throw new Error(`expected one ${kind} named ${namePrefix}*, found ${found.length}`);
  return found[0] as KubeObject;
}
