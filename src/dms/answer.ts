import { err, ok } from 'yaml-files/basics';
import { envelope, isRecord, requestIdOf } from './envelope.js';
import { isDmsJobStatus, type DmsResult, type Ratio } from './types.js';

/**
 * Turns the parsed JSON body of a GetDataTrackJobDegree answer into a result. Pure: everything
 * DMS sends is `unknown` until checked here, so a malformed answer becomes an error value.
 */
export function interpretJobDegreeBody(body: unknown): DmsResult {
  const checked = envelope(body);
  if (!checked.ok) return checked;
  const requestId = requestIdOf(checked.value);
  const degree = checked.value.JobDegree;
  if (!isRecord(degree)) return malformed('answer has no JobDegree object', requestId);

  const listRatio = asRatio(degree.ListCompletionDegree);
  const downloadRatio = asRatio(degree.DownloadCompletionDegree);
  const filterRatio = asRatio(degree.FilterCompletionDegree);
  if (listRatio === undefined || downloadRatio === undefined || filterRatio === undefined) {
    return malformed('a completion degree is missing or outside [0, 1]', requestId);
  }
  if (typeof degree.JobStatus !== 'string') return malformed('JobStatus is missing', requestId);
  const rawStatus = degree.JobStatus;
  return ok({
    status: isDmsJobStatus(rawStatus) ? rawStatus : 'UNKNOWN',
    rawStatus,
    statusDesc: typeof degree.StatusDesc === 'string' ? degree.StatusDesc : '',
    listRatio,
    downloadRatio,
    filterRatio,
    requestId,
  });
}

function asRatio(value: unknown): Ratio | undefined {
  return typeof value === 'number' && value >= 0 && value <= 1 ? (value as Ratio) : undefined;
}

function malformed(reason: string, requestId: string | undefined): DmsResult {
  return err({ code: 'malformed_response', message: reason, requestId });
}
