import { gatewayError, type GatewayCode, type GatewayError } from './errors.js';
import type { BusinessError, Fault } from './scenario.js';

// What an action answers, planned before anything is written: a JSON body, a gateway error, or a
// broken body; possibly later (the `slow` fault).

export type Answer =
  | { readonly kind: 'gateway'; readonly error: GatewayError }
  | { readonly kind: 'json'; readonly body: Readonly<Record<string, unknown>> }
  /** A 200 whose body is not JSON at all. */
  | { readonly kind: 'broken'; readonly text: string };

export interface PlannedAnswer {
  readonly answer: Answer;
  /** Wait this long before answering (the `slow` fault). */
  readonly delayMs: number;
  /** For the rejection log line: the business or gateway code, if the answer is not a success. */
  readonly rejectedCode?: string | undefined;
}

/** HTTP 200 with `Success: true` and the action's payload beside the RequestId. */
export function success(requestId: string, payload: Readonly<Record<string, unknown>>): PlannedAnswer {
  return { answer: { kind: 'json', body: { RequestId: requestId, Success: true, ...payload } }, delayMs: 0 };
}

/** HTTP 200 with `Success: false`: how DMS reports a business error. */
export function businessError(requestId: string, error: BusinessError): PlannedAnswer {
  const body = { RequestId: requestId, Success: false, ErrorCode: error.code, ErrorMessage: error.message };
  return { answer: { kind: 'json', body }, delayMs: 0, rejectedCode: error.code };
}

export function rejected(error: GatewayError): PlannedAnswer {
  return { answer: { kind: 'gateway', error }, delayMs: 0, rejectedCode: error.code };
}

export function gateway(code: GatewayCode): PlannedAnswer {
  return rejected(gatewayError(code));
}

/**
 * The answer under a fault that does not change the payload itself: a gateway error, a broken body,
 * a business error, or `normal()` later. The payload faults (bad_ratio, unknown_status) are the action's.
 */
export function faultAnswer(
  fault: Fault | undefined,
  requestId: string,
  normal: () => PlannedAnswer,
): PlannedAnswer {
  switch (fault?.kind) {
    case 'throttle':
      return gateway('Throttling.User');
    case 'internal_error':
      return gateway('InternalError');
    case 'unavailable':
      return gateway('ServiceUnavailable');
    case 'malformed_json':
      return { answer: { kind: 'broken', text: `{"RequestId":"${requestId}","Success":tru` }, delayMs: 0 };
    case 'business_error':
      return businessError(requestId, fault);
    case 'slow':
      return { ...normal(), delayMs: fault.delayMs };
    default:
      return normal();
  }
}
