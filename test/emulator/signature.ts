import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { EmulatorError } from './errors';

/** The credentials the emulator accepts; requests must be signed with exactly these. */
export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A request as received on the wire: path and query still percent-encoded. */
export interface ReceivedRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface SigningExpectation {
  readonly service: string;
  readonly region: string;
  readonly credentials: EmulatorCredentials;
}

const AUTHORIZATION = new RegExp('^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?'
  + 'SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$');
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const MISMATCH = 'The request signature we calculated does not match the signature you provided. '
  + 'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/**
 * Checks a SigV4 `Authorization` header by signing the received request again with the same library
 * clients use, over the headers the client says it signed and with the client's `x-amz-date`.
 * Throws an `EmulatorError` (403) when the request is not signed as expected.
 */
export async function verifySignature(request: ReceivedRequest, expected: SigningExpectation) {
  const authorization = header(request.headers, 'authorization');
  if (!authorization) {
    throw invalid('missing Authorization header');
  }
  const parts = AUTHORIZATION.exec(authorization);
  if (!parts) {
    throw invalid(`malformed Authorization header: ${authorization.slice(0, 60)}`);
  }
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = parts;

  const sessionToken = header(request.headers, 'x-amz-security-token');
  if (accessKeyId !== expected.credentials.accessKeyId || sessionToken !== expected.credentials.sessionToken) {
    throw new EmulatorError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (region !== expected.region) {
    throw invalid(`Credential should be scoped to a valid region, not '${region}', expected '${expected.region}'`);
  }
  if (service !== expected.service) {
    throw invalid(`Credential should be scoped to correct service: '${expected.service}', not '${service}'`);
  }

  const signingDate = parseAmzDate(header(request.headers, 'x-amz-date'));
  if (!signingDate || !signingDate.toISOString().replace(/-/g, '').startsWith(scopeDate)) {
    throw invalid('x-amz-date header is missing, malformed or outside the credential scope date');
  }
  const signedHeaders = signedHeaderList.split(';');
  const missing = ['host', 'x-amz-date', ...signedHeaders]
    .find((name) => !signedHeaders.includes(name) || !header(request.headers, name));
  if (missing) {
    throw invalid(`header '${missing}' must be present and signed`);
  }
  const contentSha256 = header(request.headers, 'x-amz-content-sha256');
  const bodySha256 = createHash('sha256').update(request.body).digest('hex');
  if (contentSha256 !== undefined && contentSha256 !== bodySha256) {
    throw invalid('x-amz-content-sha256 does not match the request body');
  }

  const expectedSignature = await resign(request, expected, signedHeaders, signingDate);
  if (!timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature))) {
    throw invalid(MISMATCH);
  }
}

async function resign(
  request: ReceivedRequest, expected: SigningExpectation, signedHeaders: string[], signingDate: Date,
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    headers[name] = header(request.headers, name) ?? '';
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(request.query)) {
    query[key] = values.length === 1 ? values[0] : [...values];
  }

  // applyChecksum off: x-amz-content-sha256 is in the canonical request only if the client signed it.
  const signer = new SignatureV4({
    service: expected.service,
    region: expected.region,
    credentials: expected.credentials,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const signed = await signer.sign(new HttpRequest({
    method: request.method,
    protocol: 'http:',
    hostname: header(request.headers, 'host') ?? '',
    path: request.rawPath,
    query,
    headers,
    body: request.body.length > 0 ? request.body : undefined,
  }), { signingDate, signableHeaders: new Set(signedHeaders) });

  const authorization = String(signed.headers.authorization ?? '');
  const recomputed = AUTHORIZATION.exec(authorization);
  // A different signed header list means the client signed something the emulator cannot reproduce.
  return recomputed && recomputed[5] === signedHeaders.join(';') ? recomputed[6] : '0'.repeat(64);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const parts = value ? AMZ_DATE.exec(value) : null;
  if (!parts) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = parts.map(Number);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

function invalid(message: string): EmulatorError {
  return new EmulatorError('InvalidSignatureException', message);
}
