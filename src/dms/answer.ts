import { err, ok } from '../util/result.js';
import { isDmsJobStatus, type DmsResult, type Ratio } from './types.js';

/**
 * Turns the parsed JSON body of a GetDataTrackJobDegree answer into a result. Pure: everything
 * DMS sends is `unknown` until checked here, so a malformed answer becomes an error value.
 */
export function interpretJobDegreeBody(body: unknown): DmsResult {
  if (!isRecord(body)) return malformed('answer is not a JSON object', undefined);
  const requestId = typeof body.RequestId === 'string' ? body.RequestId : undefined;
  if (body.Success === false) {
    const code =
      typeof body.ErrorCode === 'string' && body.ErrorCode !== '' ? body.ErrorCode : 'UnknownError';
    const message = typeof body.ErrorMessage === 'string' ? body.ErrorMessage : '';
    return err({ code, message: `DMS answered Success=false: ${message}`, requestId });
  }
  if (body.Success !== true) return malformed('answer has no Success=true', requestId);
  const degree = body.JobDegree;
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRatio(value: unknown): Ratio | undefined {
  return typeof value === 'number' && value >= 0 && value <= 1 ? (value as Ratio) : undefined;
}

function malformed(reason: string, requestId: string | undefined): DmsResult {
  return err({ code: 'malformed_response', message: reason, requestId });
}
