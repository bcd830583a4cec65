import type { Result } from 'yaml-files';
import { paramValue } from './encoding.js';
import { gatewayError, type GatewayError } from './errors.js';
import { NonceStore, timestampProblem } from './freshness.js';
import type { ReceivedRequest, SignedRequest } from './request.js';
import type { ScenarioCredential } from './scenario.js';
import { constantTimeEqual, signatureMatches } from './signature.js';
import { parseAcs3 } from './verify-acs3.js';
import { parseRpc } from './verify-rpc.js';

// The gateway's authentication, in the order of docs/dms-api.md §4 "Suggested check order": parse, access
// key, signature, STS token, timestamp, nonce. The RAM permission (a key's `deny`) and dispatch come
// after (server.ts).

export interface Authenticator {
  authenticate(request: ReceivedRequest, nowMs: number): Result<SignedRequest, GatewayError>;
  /** The keys accepted from now on (a rotated secret or STS token); spent nonces stay spent. */
  replaceCredentials(credentials: readonly ScenarioCredential[]): void;
  /** `Forbidden.RAM` when the authenticated request's key may not call its action (the key's `deny`). */
  denial(request: SignedRequest): GatewayError | undefined;
}

export function createAuthenticator(credentials: readonly ScenarioCredential[]): Authenticator {
  const keyMap = (list: readonly ScenarioCredential[]) => new Map(list.map((c) => [c.accessKeyId, c]));
  let byKey = keyMap(credentials);
  const nonces = new NonceStore();
  return {
    replaceCredentials(next) {
      byKey = keyMap(next);
    },
    denial(request) {
      const denied = byKey.get(request.accessKeyId)?.deny ?? [];
      return denied.includes(request.action ?? '') ? gatewayError('Forbidden.RAM') : undefined;
    },
    authenticate(request, nowMs) {
      const parsed = parseSigned(request);
      if (!parsed.ok) return parsed;
      const signed = parsed.value;
      const credential = byKey.get(signed.accessKeyId);
      if (credential === undefined) return fail(gatewayError('InvalidAccessKeyId.NotFound'));
      if (!signatureMatches(signed, credential.accessKeySecret))
        return fail(gatewayError('SignatureDoesNotMatch'));
      if (!tokenMatches(credential.securityToken, signed.securityToken)) {
        return fail(gatewayError('InvalidSecurityToken.MismatchWithAccessKey'));
      }
      const stale = timestampProblem(signed.timestamp, nowMs);
      if (stale !== undefined) return fail(stale);
      // Only now, with the signature verified, may a nonce be spent: forged requests cannot burn them.
      if (!nonces.remember(signed.nonce, nowMs)) return fail(gatewayError('SignatureNonceUsed'));
      return parsed;
    },
  };
}

/** ACS3 when an Authorization header is present, the legacy scheme when a Signature parameter is. */
function parseSigned(request: ReceivedRequest): Result<SignedRequest, GatewayError> {
  if (request.headers.authorization !== undefined) return parseAcs3(request);
  if (
    paramValue(request.query, 'Signature') !== undefined ||
    paramValue(request.query, 'AccessKeyId') !== undefined
  ) {
    return parseRpc(request);
  }
  return fail(
    gatewayError('IncompleteSignature', 'Neither an Authorization header nor a Signature parameter.'),
  );
}

// A key issued with a token needs exactly that token; a token sent with a key issued without one is an
// error too (the real gateway's reaction to that case is unknown; strict catches config mistakes).
function tokenMatches(expected: string | undefined, received: string | undefined): boolean {
  if (expected === undefined || received === undefined) return expected === received;
  return constantTimeEqual(received, expected);
}

function fail(error: GatewayError): Result<SignedRequest, GatewayError> {
  return { ok: false, error };
}
