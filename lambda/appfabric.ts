import { Readable } from 'stream';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { ConfiguredRetryStrategy, getRetryAfterHint, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { Hash } from '@smithy/hash-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest, HttpResponse } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider, RetryErrorType } from '@smithy/types';

// A typed binding of the AppFabric REST-JSON API (version 2023-05-19) for the operations the
// handler uses. Everything that builds a URL, signs a request or reads an AppFabric error lives
// here, so that moving to the generated @aws-sdk/client-appfabric is a change to this file only.

export type IngestionState = 'enabled' | 'disabled';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface Ingestion {
  readonly arn: string;
  readonly appBundleArn: string;
  readonly app: string;
  readonly tenantId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly state: IngestionState;
  readonly ingestionType: string;
}

export interface CreateIngestionInput {
  readonly appBundleIdentifier: string;
  readonly app: string;
  readonly tenantId: string;
  readonly ingestionType: string;
  readonly clientToken?: string;
  readonly tags?: Tag[];
}

export interface IngestionIdentifiers {
  readonly appBundleIdentifier: string;
  readonly ingestionIdentifier: string;
}

export interface IngestionSummary {
  readonly arn: string;
  readonly app: string;
  readonly tenantId: string;
  readonly state: IngestionState;
}

export interface ListIngestionsInput {
  readonly appBundleIdentifier: string;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface ProcessingConfiguration {
  readonly auditLog: { readonly schema: string; readonly format: string };
}

export interface DestinationConfiguration {
  readonly auditLog: {
    readonly destination: { readonly s3Bucket: { bucketName: string; prefix?: string } } | { readonly firehoseStream: { streamName: string } };
  };
}

export interface IngestionDestination {
  readonly arn: string;
  readonly ingestionArn: string;
  readonly processingConfiguration: ProcessingConfiguration;
  readonly destinationConfiguration: DestinationConfiguration;
  readonly status?: string;
  readonly statusReason?: string;
}

export interface IngestionDestinationIdentifiers extends IngestionIdentifiers {
  readonly ingestionDestinationIdentifier: string;
}

export interface CreateIngestionDestinationInput extends IngestionIdentifiers {
  readonly processingConfiguration: ProcessingConfiguration;
  readonly destinationConfiguration: DestinationConfiguration;
  readonly clientToken?: string;
  readonly tags?: Tag[];
}

export interface UpdateIngestionDestinationInput extends IngestionDestinationIdentifiers {
  readonly destinationConfiguration: DestinationConfiguration;
}

export interface TagResourceInput {
  readonly resourceArn: string;
  readonly tags: Tag[];
}

export interface UntagResourceInput {
  readonly resourceArn: string;
  readonly tagKeys: string[];
}

/** The time the client may spend, retries and waits included. */
export interface TimeBudget {
  remainingMs(): number;
}

export interface AppFabricClientOptions {
  /** The region to call, usually the Lambda's own (`AWS_REGION`). */
  readonly region: string;
  /** @default - `AWS_ENDPOINT_URL_APPFABRIC`, else `AWS_ENDPOINT_URL`, else AppFabric's regional endpoint */
  readonly endpoint?: string;
  /** @default - credentials from the environment, as Lambda provides them */
  readonly credentials?: AwsCredentialIdentityProvider;
  /**
   * Attempts per operation; retries also stop when the time budget runs out.
   * @default 8
   */
  readonly maxAttempts?: number;
  /** @default - no limit but `maxAttempts` */
  readonly timeBudget?: TimeBudget;
  /** Time allowed for one HTTP request, in milliseconds. @default 10000 */
  readonly requestTimeoutMs?: number;
  /** Called after every HTTP attempt, for logging. */
  readonly onAttempt?: (attempt: AttemptRecord) => void;
}

export interface AttemptRecord {
  readonly operation: string;
  readonly attempt: number;
  readonly statusCode?: number;
  readonly errorType?: string;
  readonly durationMs: number;
}

/**
 * An error answered by AppFabric, or a failure to reach it, shaped like the SDK's service
 * exceptions so that the SDK's own retry classification applies.
 */
export class AppFabricError extends Error {
  public readonly $metadata: { httpStatusCode?: number; requestId?: string };
  public readonly $fault: 'client' | 'server';
  public readonly $response?: HttpResponse;
  /** The AppFabric operation that failed, set once the request was attempted. */
  public operation?: OperationName;
  /** How many attempts were made before giving up. */
  public attempts?: number;
  /** Whether retrying stopped because the time budget ran out. */
  public budgetExhausted?: boolean;
  /**
   * Whether AppFabric may have carried out the request although no attempt succeeded: an attempt
   * timed out, lost its connection or met a server error.
   */
  public outcomeUnknown?: boolean;
  public declare readonly cause?: Error;

  constructor(name: string, message: string, statusCode?: number, response?: HttpResponse) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: statusCode, requestId: response?.headers['x-amzn-requestid'] };
    this.$fault = statusCode !== undefined && statusCode < 500 ? 'client' : 'server';
    this.$response = response;
  }
}

interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with `{label}` placeholders, filled from input members of the same name. */
  readonly path: string;
  readonly successCode: number;
  /** Input members sent in the query string instead of the body. */
  readonly query?: readonly string[];
}

/** Routes as the official API model (appfabric-2023-05-19) defines them. */
export const ROUTES = {
  CreateIngestion: { method: 'POST', path: '/appbundles/{appBundleIdentifier}/ingestions', successCode: 201 },
  GetIngestion: { method: 'GET', path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}', successCode: 200 },
  ListIngestions: { method: 'GET', path: '/appbundles/{appBundleIdentifier}/ingestions', successCode: 200, query: ['maxResults', 'nextToken'] },
  StartIngestion: { method: 'POST', path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/start', successCode: 200 },
  StopIngestion: { method: 'POST', path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/stop', successCode: 200 },
  DeleteIngestion: { method: 'DELETE', path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}', successCode: 204 },
  CreateIngestionDestination: {
    method: 'POST', path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/ingestiondestinations', successCode: 201,
  },
  GetIngestionDestination: {
    method: 'GET',
    path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/ingestiondestinations/{ingestionDestinationIdentifier}',
    successCode: 200,
  },
  ListIngestionDestinations: {
    method: 'GET', path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/ingestiondestinations', successCode: 200,
    query: ['maxResults', 'nextToken'],
  },
  UpdateIngestionDestination: {
    method: 'PATCH',
    path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/ingestiondestinations/{ingestionDestinationIdentifier}',
    successCode: 200,
  },
  DeleteIngestionDestination: {
    method: 'DELETE',
    path: '/appbundles/{appBundleIdentifier}/ingestions/{ingestionIdentifier}/ingestiondestinations/{ingestionDestinationIdentifier}',
    successCode: 204,
  },
  TagResource: { method: 'POST', path: '/tags/{resourceArn}', successCode: 200 },
  UntagResource: { method: 'DELETE', path: '/tags/{resourceArn}', successCode: 200, query: ['tagKeys'] },
  ListTagsForResource: { method: 'GET', path: '/tags/{resourceArn}', successCode: 200 },
} as const satisfies Record<string, Route>;

export type OperationName = keyof typeof ROUTES;

export class AppFabricClient {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;
  private readonly http: NodeHttpHandler;
  private readonly maxAttempts: number;
  private readonly requestTimeoutMs: number;
  private readonly timeBudget: TimeBudget;
  private readonly onAttempt?: (attempt: AttemptRecord) => void;

  constructor(options: AppFabricClientOptions) {
    this.endpoint = new URL(options.endpoint
      ?? process.env.AWS_ENDPOINT_URL_APPFABRIC
      ?? process.env.AWS_ENDPOINT_URL
      ?? `https://appfabric.${options.region}.amazonaws.com`);
    this.signer = new SignatureV4({
      service: 'appfabric',
      region: options.region,
      credentials: options.credentials ?? fromEnv(),
      sha256: Hash.bind(null, 'sha256'),
    });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.http = new NodeHttpHandler({ connectionTimeout: 5_000, throwOnRequestTimeout: true });
    this.maxAttempts = options.maxAttempts ?? 8;
    this.timeBudget = options.timeBudget ?? { remainingMs: () => Number.POSITIVE_INFINITY };
    this.onAttempt = options.onAttempt;
  }

  public async createIngestion(input: CreateIngestionInput): Promise<{ ingestion: Ingestion }> {
    return this.send('CreateIngestion', input);
  }

  public async getIngestion(input: IngestionIdentifiers): Promise<{ ingestion: Ingestion }> {
    return this.send('GetIngestion', input);
  }

  public async listIngestions(input: ListIngestionsInput): Promise<{ ingestions: IngestionSummary[]; nextToken?: string }> {
    return this.send('ListIngestions', input);
  }

  /** Every ingestion of a bundle, following the pages. */
  public async listAllIngestions(appBundleIdentifier: string): Promise<IngestionSummary[]> {
    const all: IngestionSummary[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.listIngestions({ appBundleIdentifier, nextToken });
      all.push(...page.ingestions);
      nextToken = page.nextToken;
    } while (nextToken);
    return all;
  }

  public async startIngestion(input: IngestionIdentifiers): Promise<void> {
    await this.send('StartIngestion', input);
  }

  public async stopIngestion(input: IngestionIdentifiers): Promise<void> {
    await this.send('StopIngestion', input);
  }

  public async deleteIngestion(input: IngestionIdentifiers): Promise<void> {
    await this.send('DeleteIngestion', input);
  }

  public async createIngestionDestination(input: CreateIngestionDestinationInput): Promise<{ ingestionDestination: IngestionDestination }> {
    return this.send('CreateIngestionDestination', input);
  }

  public async getIngestionDestination(input: IngestionDestinationIdentifiers): Promise<{ ingestionDestination: IngestionDestination }> {
    return this.send('GetIngestionDestination', input);
  }

  /** The ARNs of every destination of an ingestion, following the pages. */
  public async listAllIngestionDestinations(input: IngestionIdentifiers): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.send<{ ingestionDestinations: Array<{ arn: string }>; nextToken?: string }>(
        'ListIngestionDestinations', { ...input, nextToken });
      arns.push(...page.ingestionDestinations.map((destination) => destination.arn));
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  }

  public async updateIngestionDestination(input: UpdateIngestionDestinationInput): Promise<{ ingestionDestination: IngestionDestination }> {
    return this.send('UpdateIngestionDestination', input);
  }

  public async deleteIngestionDestination(input: IngestionDestinationIdentifiers): Promise<void> {
    await this.send('DeleteIngestionDestination', input);
  }

  public async tagResource(input: TagResourceInput): Promise<void> {
    await this.send('TagResource', input);
  }

  public async untagResource(input: UntagResourceInput): Promise<void> {
    await this.send('UntagResource', input);
  }

  public async listTagsForResource(input: { resourceArn: string }): Promise<{ tags: Tag[] }> {
    const output = await this.send<{ tags?: Tag[] }>('ListTagsForResource', input);
    return { tags: output.tags ?? [] };
  }

  public destroy(): void {
    this.http.destroy();
  }

  private async send<T>(operation: OperationName, input: object): Promise<T> {
    const route: Route = ROUTES[operation];
    // The library counts attempts, merges Retry-After hints and sleeps; the delay is planned here,
    // so that no wait runs past the time budget.
    let plannedDelayMs = 0;
    const retryStrategy = new ConfiguredRetryStrategy(Math.max(this.maxAttempts, MAX_THROTTLED_ATTEMPTS), () => plannedDelayMs);
    let token = await retryStrategy.acquireInitialRetryToken(operation);
    let outcomeUnknown = false;
    let accessDeniedRetries = 0;

    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      try {
        const remaining = this.timeBudget.remainingMs();
        if (remaining < MIN_ATTEMPT_MS) {
          throw new AppFabricError('TimeoutError', 'no time was left for the request');
        }
        const request = await this.signer.sign(this.buildRequest(route, input));
        const { response } = await this.http.handle(request as HttpRequest, {
          requestTimeout: Math.min(this.requestTimeoutMs, remaining),
        });
        const body = await readBody(response.body);
        if (response.statusCode !== route.successCode) {
          throw errorFromResponse(response, body);
        }
        this.onAttempt?.({ operation, attempt, statusCode: response.statusCode, durationMs: Date.now() - started });
        retryStrategy.recordSuccess(token);
        return (body ? JSON.parse(body) : {}) as T;
      } catch (caught) {
        const error = asAppFabricError(caught);
        Object.assign(error, { operation, attempts: attempt });
        this.onAttempt?.({
          operation, attempt, statusCode: error.$metadata.httpStatusCode, errorType: error.name, durationMs: Date.now() - started,
        });

        let errorType = retryErrorType(error);
        // A role made moments ago may not be visible to AppFabric yet: give IAM a few seconds.
        if (error.name === 'AccessDeniedException' && accessDeniedRetries < ACCESS_DENIED_RETRIES) {
          accessDeniedRetries++;
          errorType = 'TRANSIENT';
        }
        outcomeUnknown ||= errorType === 'TRANSIENT' || errorType === 'SERVER_ERROR';
        error.outcomeUnknown = outcomeUnknown;
        // Throttling is outlasted for as long as the time budget allows; other failures get maxAttempts.
        const attemptsLeft = errorType === 'THROTTLING' ? attempt < MAX_THROTTLED_ATTEMPTS : attempt < this.maxAttempts;
        if (errorType === 'CLIENT_ERROR' || !attemptsLeft) {
          throw error;
        }

        const hint = error.$response ? getRetryAfterHint(error.$response) : undefined;
        const hintMs = hint ? Math.max(0, hint.getTime() - Date.now()) : 0;
        plannedDelayMs = backoffDelay(attempt, errorType, hintMs);
        const waitMs = Math.max(plannedDelayMs, hintMs);
        if (waitMs + MIN_ATTEMPT_MS > this.timeBudget.remainingMs()) {
          error.budgetExhausted = true;
          throw error;
        }
        try {
          token = await retryStrategy.refreshRetryTokenForRetry(token, { errorType, error, retryAfterHint: hint });
        } catch {
          throw error;
        }
      }
    }
  }

  private buildRequest(route: Route, input: object): HttpRequest {
    const members: Record<string, unknown> = { ...input };
    const path = route.path.replace(/\{(\w+)\}/g, (_match, label: string) => {
      const value = members[label];
      delete members[label];
      if (typeof value !== 'string' || value.length === 0) {
        throw new AppFabricError('ValidationException', `${label} is required in the request path`);
      }
      return encodeURIComponent(value);
    });

    const query: Record<string, string | string[]> = {};
    for (const name of route.query ?? []) {
      const value = members[name];
      delete members[name];
      if (value !== undefined) {
        query[name] = Array.isArray(value) ? value.map(String) : String(value);
      }
    }

    const hasBody = route.method === 'POST' || route.method === 'PATCH';
    const body = hasBody ? JSON.stringify(members) : undefined;
    const basePath = this.endpoint.pathname.replace(/\/$/, '');
    return new HttpRequest({
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      method: route.method,
      path: `${basePath}${path}`,
      query,
      headers: {
        host: this.endpoint.host,
        ...(hasBody ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body!)) } : {}),
      },
      body,
    });
  }
}

/** Whether an error is AppFabric's answer of this type (`ConflictException`, `ResourceNotFoundException`, ...). */
export function isAppFabricError(error: unknown, name: string): boolean {
  return error instanceof AppFabricError && error.name === name;
}

/** Below this, an attempt could not even connect: give up instead. */
const MIN_ATTEMPT_MS = 250;

/** AccessDenied is retried this many times, for IAM's eventual consistency, then reported. */
const ACCESS_DENIED_RETRIES = 2;

/** Throttled attempts end on the time budget; this only bounds a budget without end. */
const MAX_THROTTLED_ATTEMPTS = 50;

/**
 * How long to wait before the next attempt.
 *
 * Throttling: the wait AppFabric asks for (1 s when it names none) plus full jitter in a window
 * that grows from 500 ms to at most 2 s. Many callers throttled together then spread out over the
 * next seconds instead of returning at once, and none waits long while capacity sits unused, as a
 * window doubling towards 20 s would make them.
 *
 * Other retryable failures: exponential backoff with full jitter from 100 ms, at most 20 s.
 */
function backoffDelay(attempt: number, errorType: RetryErrorType, retryAfterMs: number): number {
  if (errorType === 'THROTTLING') {
    return (retryAfterMs || 1_000) + Math.floor(Math.random() * Math.min(2_000, 500 * 2 ** (attempt - 1)));
  }
  return Math.floor(Math.random() * Math.min(20_000, 100 * 2 ** attempt));
}

/**
 * Retries follow the SDK's classification: throttling, 5xx and connection failures are retried;
 * every other 4xx is final.
 */
function retryErrorType(error: AppFabricError): RetryErrorType {
  if (isThrottlingError(error)) {
    return 'THROTTLING';
  }
  if (isTransientError(error)) {
    return 'TRANSIENT';
  }
  if (isServerError(error)) {
    return 'SERVER_ERROR';
  }
  return 'CLIENT_ERROR';
}

function errorFromResponse(response: HttpResponse, body: string): AppFabricError {
  // The header can carry a namespace suffix ("Type:http://..."); the body may name it too.
  let parsed: { message?: string; Message?: string; __type?: string } = {};
  try {
    parsed = body ? JSON.parse(body) : {};
  } catch {
    parsed = { message: body.slice(0, 500) };
  }
  const rawType = response.headers['x-amzn-errortype'] ?? parsed.__type ?? `HttpError${response.statusCode}`;
  const name = rawType.split(':')[0].split('#').pop()!;
  const message = parsed.message ?? parsed.Message ?? `AppFabric answered HTTP ${response.statusCode}`;
  return new AppFabricError(name, message, response.statusCode, response);
}

function asAppFabricError(caught: unknown): AppFabricError {
  if (caught instanceof AppFabricError) {
    return caught;
  }
  // Not `instanceof Error`: errors raised by Node's own modules may come from another realm.
  const error = (typeof caught === 'object' && caught !== null ? caught : { message: String(caught) }) as Partial<NodeJS.ErrnoException>;
  const name = error.name && error.name !== 'Error' ? error.name : 'NetworkingError';
  const wrapped = new AppFabricError(name, error.message ?? String(caught));
  // Connection failures keep their Node.js code (ECONNRESET, ...) so that they classify as transient.
  Object.assign(wrapped, { code: error.code });
  return wrapped;
}

async function readBody(body: unknown): Promise<string> {
  if (!(body instanceof Readable)) {
    return '';
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
