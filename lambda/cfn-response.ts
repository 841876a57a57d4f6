import { StandardRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { Logger } from './log';

/** CloudFormation keeps reasons short; a long one would also risk the 4096-byte response limit. */
const MAX_REASON_LENGTH = 1000;

/**
 * Turns any error text into the single line CloudFormation shows in its events.
 */
export function oneLineReason(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 3)}...` : line;
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
  return {
    Status: 'FAILED',
    Reason: oneLineReason(reason),
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: physicalResourceId,
  };
}

/**
 * PUTs the response to the pre-signed ResponseURL, retrying connection failures and 5xx answers.
 */
export async function sendResponse(responseUrl: string, response: CloudFormationCustomResourceResponse, log: Logger): Promise<void> {
  const url = new URL(responseUrl);
  const body = JSON.stringify(response);
  const http = new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 5_000 });
  const retries = new StandardRetryStrategy({ maxAttempts: 5 });
  let token = await retries.acquireInitialRetryToken('cloudformation-response');

  try {
    for (;;) {
      const failure = await putOnce(http, url, body);
      if (!failure) {
        log.info('response sent to CloudFormation', { status: response.Status, responseBytes: Buffer.byteLength(body) });
        return;
      }
      log.warn('could not send the response to CloudFormation', { reason: failure.message });
      if (!failure.retryable) {
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
async function putOnce(http: NodeHttpHandler, url: URL, body: string): Promise<(Error & { retryable: boolean }) | undefined> {
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
    }));
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
