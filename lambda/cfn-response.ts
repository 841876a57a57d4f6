import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import type { TimeBudget } from './appfabric';
import { Logger } from './log';

/** CloudFormation shows reasons in its event list: keep them readable. */
const MAX_REASON_LENGTH = 1000;

/** CloudFormation rejects a custom resource response larger than this. */
export const MAX_RESPONSE_BYTES = 4096;

/**
 * Turns any error text into the single line CloudFormation shows in its events: white space and
 * control characters become single spaces, and a long text is cut.
 */
export function oneLineReason(text: string): string {
  const line = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 3)}...` : line;
}

/**
 * Shortens the reason until the serialized response fits CloudFormation's limit, whatever the
 * characters cost once JSON-encoded.
 */
function fitReason(response: CloudFormationCustomResourceResponse, reason: string): string {
  let fitted = reason;
  for (;;) {
    const excess = Buffer.byteLength(JSON.stringify({ ...response, Reason: fitted })) - MAX_RESPONSE_BYTES;
    if (excess <= 0 || fitted.length === 0) {
      return fitted;
    }
    // Every character costs at least one byte, so cutting the excess plus the marker always shrinks the response.
    fitted = `${fitted.slice(0, Math.max(0, fitted.length - excess - 3))}...`;
    if (fitted === '...') {
      return '';
    }
  }
}

export function successResponse(
  event: CloudFormationCustomResourceEvent, physicalResourceId: string, data?: Record<string, string>,
): CloudFormationCustomResourceResponse {
  return {
    Status: 'SUCCESS',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: physicalResourceId,
    Data: data,
  };
}

export function failureResponse(
  event: CloudFormationCustomResourceEvent, physicalResourceId: string, reason: string,
): CloudFormationCustomResourceResponse {
  const response: CloudFormationCustomResourceResponse = {
    Status: 'FAILED',
    Reason: '',
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: physicalResourceId,
  };
  return { ...response, Reason: fitReason(response, oneLineReason(reason)) };
}

/**
 * PUTs the response to the pre-signed ResponseURL, retrying connection failures and 5xx answers.
 */
export async function sendResponse(
  responseUrl: string, response: CloudFormationCustomResourceResponse, log: Logger, budget: TimeBudget,
): Promise<void> {
  // The URL grants whoever holds it the power to answer for the stack: it must not reach an error or a log.
  if (!URL.canParse(responseUrl)) {
    throw new Error('the event\'s ResponseURL is not a valid URL');
  }
  const url = new URL(responseUrl);
  const body = JSON.stringify(response);
  const http = new NodeHttpHandler({ connectionTimeout: 5_000, throwOnRequestTimeout: true });
  // S3 can answer 503 SlowDown: back off for up to about 15 seconds, as long as the function has time.
  let plannedDelayMs = 0;
  const retries = new ConfiguredRetryStrategy(6, () => plannedDelayMs);
  let token = await retries.acquireInitialRetryToken('cloudformation-response');

  try {
    for (let attempt = 1; ; attempt++) {
      const failure = await putOnce(http, url, body, budget.remainingMs());
      if (!failure) {
        log.info('response sent to CloudFormation', { status: response.Status, responseBytes: Buffer.byteLength(body) });
        return;
      }
      log.warn('could not send the response to CloudFormation', { reason: failure.message });
      plannedDelayMs = Math.floor(Math.random() * Math.min(8_000, 250 * 2 ** attempt));
      if (!failure.retryable || plannedDelayMs + 1_000 > budget.remainingMs()) {
        throw failure;
      }
      token = await retries.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' }).catch(() => {
        throw failure;
      });
    }
  } finally {
    http.destroy();
  }
}

/**
 * One PUT of the response body.
 *
 * @returns undefined on success, else the failure and whether another attempt may succeed
 */
async function putOnce(
  http: NodeHttpHandler, url: URL, body: string, remainingMs: number,
): Promise<(Error & { retryable: boolean }) | undefined> {
  try {
    const { response } = await http.handle(new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      method: 'PUT',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      // The pre-signed URL is signed without a content type: send none.
      headers: { 'host': url.host, 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
      body,
    }), { requestTimeout: Math.max(1_000, Math.min(10_000, remainingMs)) });
    (response.body as NodeJS.ReadableStream | undefined)?.resume?.();
    if (response.statusCode < 300) {
      return undefined;
    }
    return Object.assign(new Error(`the response URL answered HTTP ${response.statusCode}`), { retryable: response.statusCode >= 500 });
  } catch (error) {
    // Not `instanceof Error`: errors raised by Node's own modules may come from another realm.
    const message = (error as { message?: string } | undefined)?.message ?? String(error);
    return Object.assign(new Error(`the response URL could not be reached: ${message}`), { retryable: true });
  }
}
