import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SignedRequest } from './request.js';

/** The signature the client should have sent, given the secret of its access key. */
export function expectedSignature(request: SignedRequest, secret: string): string {
  if (request.scheme === 'HMAC-SHA1') {
    // The legacy scheme keys the HMAC with the secret plus `&` (an empty token-secret slot).
    return createHmac('sha1', `${secret}&`).update(request.stringToSign, 'utf8').digest('base64');
  }
  return createHmac('sha256', secret).update(request.stringToSign, 'utf8').digest('hex');
}

/** Constant-time check of the received signature (and, for ACS3, of the body hash). */
export function signatureMatches(request: SignedRequest, secret: string): boolean {
  return (
    request.payloadHashMatches && constantTimeEqual(request.signature, expectedSignature(request, secret))
  );
}

/** Equal strings, without leaking through timing where the first difference is. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing right with itself keeps the time independent of `a`.
  if (left.length !== right.length) {
    timingSafeEqual(right, right);
    return false;
  }
  return timingSafeEqual(left, right);
}
