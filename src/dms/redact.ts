/**
 * Messages from undici (network errors) and from the credential providers may quote a URL, and a
 * request signed the legacy way carries AccessKeyId, Signature and SecurityToken in its query; the
 * gateway's messages may quote the string-to-sign. Strip all of it, and any credential value we know, before a
 * message reaches a log line.
 */
const CREDENTIAL_PARAMS =
  /((?:AccessKeyId|Signature|SecurityToken|SignatureNonce)(?:=|%3D|%253D))[^&\s%"']*/gi;
const URL_QUERY = /(https?:\/\/[^\s?"']*)\?[^\s"']*/gi;
const STRING_TO_SIGN = /(string to sign is:?)\s*\S*/gi;

export function redactMessage(message: string, knownSecrets: readonly string[]): string {
  let out = message
    .replace(URL_QUERY, '$1?<redacted>')
    .replace(CREDENTIAL_PARAMS, '$1<redacted>')
    .replace(STRING_TO_SIGN, '$1 <redacted>');
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join('<redacted>');
  }
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}
