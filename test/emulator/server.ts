import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { IngestionDestination } from './destinations';
import { EmulatorError } from './errors';
import { FaultQueue, faultError, type FaultInjection, type FaultKind } from './faults';
import {
  loadRoutes, matchRoute, modelOperationFor, readParams, safeDecode,
  MODEL, type EmulatorRoute, type OperationName, type RequestInput,
} from './model';
import { HANDLERS } from './operations';
import { TokenBucket } from './rate-limit';
import { verifySignature, type EmulatorCredentials } from './signature';
import { AppFabricState, type IngestionRecord, type IngestionState, type StateSettings } from './state';

export interface AppFabricEmulatorOptions {
  /**
   * The region requests must be signed for and ARNs are made in.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * The account of app bundle and ingestion ARNs.
   * @default '111122223333'
   */
  readonly accountId?: string;
  /**
   * The partition of app bundle and ingestion ARNs.
   * @default 'aws'
   */
  readonly partition?: string;
  /**
   * The only credentials requests may be signed with.
   * @default - accessKeyId `AKIDEMULATOR`, secretAccessKey `emulator-secret`, no session token
   */
  readonly credentials?: EmulatorCredentials;
  /**
   * How many ingestions an app bundle may hold; CreateIngestion past it answers
   * ServiceQuotaExceededException.
   * @default 50
   */
  readonly ingestionsPerBundle?: number;
  /**
   * Requests per second accepted before answering ThrottlingException (token bucket).
   * @default - no rate limit
   */
  readonly requestsPerSecond?: number;
  /**
   * Requests accepted at once by the token bucket; only with `requestsPerSecond`.
   * @default - `requestsPerSecond` rounded up
   */
  readonly burst?: number;
}

/** One request the emulator received, in arrival order. */
export interface EmulatorCall {
  /** The served operation the route matched; undefined when no route did. */
  readonly operation?: OperationName;
  readonly method: string;
  /** The path as received, still percent-encoded. */
  readonly path: string;
  /** The answer's status; undefined while in flight or when the connection was reset. */
  readonly statusCode?: number;
  readonly errorType?: string;
  /** The injected fault that shaped the answer, if any. */
  readonly fault?: FaultKind;
  readonly input: RequestInput;
  readonly at: Date;
}

type MutableCall = { -readonly [K in keyof EmulatorCall]: EmulatorCall[K] };

const DEFAULT_CREDENTIALS: EmulatorCredentials = {
  accessKeyId: 'AKIDEMULATOR',
  secretAccessKey: 'emulator-secret',
};

/**
 * An AppFabric REST-JSON endpoint on 127.0.0.1 for tests: routes read from the official API model,
 * SigV4 checked, ingestions, their destinations and tags kept in memory, faults injectable per call.
 */
export class AppFabricEmulator {
  /** Starts an emulator on a free port of 127.0.0.1. */
  public static async start(options: AppFabricEmulatorOptions = {}): Promise<AppFabricEmulator> {
    const emulator = new AppFabricEmulator(options);
    await emulator.listen();
    return emulator;
  }

  public readonly region: string;
  public readonly accountId: string;
  public readonly partition: string;
  public readonly credentials: EmulatorCredentials;
  /** The routes served, as read from the API model. */
  public readonly routes: readonly EmulatorRoute[] = loadRoutes();

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly log: MutableCall[] = [];
  private readonly faults = new FaultQueue();
  private readonly settings: StateSettings;
  private readonly state: AppFabricState;
  private readonly bucket?: TokenBucket;
  private port = 0;
  private stopped = false;

  private constructor(options: AppFabricEmulatorOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '111122223333';
    this.partition = options.partition ?? 'aws';
    this.credentials = options.credentials ?? DEFAULT_CREDENTIALS;
    this.settings = {
      partition: this.partition,
      region: this.region,
      accountId: this.accountId,
      ingestionsPerBundle: options.ingestionsPerBundle ?? 50,
      requireConnectedAuthorization: false,
    };
    this.state = new AppFabricState(this.settings);
    if (options.requestsPerSecond !== undefined) {
      const rate = options.requestsPerSecond;
      this.bucket = new TokenBucket(rate, options.burst ?? Math.ceil(rate));
    }

    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The base URL to point clients at, e.g. `http://127.0.0.1:43121`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * When true, CreateIngestion answers ValidationException unless `connectAuthorization` was called
   * for the bundle, app and tenant.
   * @default false
   */
  public get requireConnectedAuthorization(): boolean {
    return this.settings.requireConnectedAuthorization;
  }

  public set requireConnectedAuthorization(value: boolean) {
    this.settings.requireConnectedAuthorization = value;
  }

  /** The per-bundle ingestion quota; can be lowered between calls. */
  public get ingestionsPerBundle(): number {
    return this.settings.ingestionsPerBundle;
  }

  public set ingestionsPerBundle(value: number) {
    this.settings.ingestionsPerBundle = value;
  }

  /** Every request received so far, in arrival order, including rejected ones. */
  public get calls(): EmulatorCall[] {
    return this.log.map((call) => ({ ...call }));
  }

  /** Faults injected and not yet consumed, counting each remaining time. */
  public get pendingFaults(): number {
    return this.faults.pending;
  }

  public callsOf(operation: OperationName): EmulatorCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** The ingestions that exist now, as copies. */
  public ingestions(): IngestionRecord[] {
    return this.state.ingestions();
  }

  /** The ingestion destinations that exist now, of one ingestion or of all, oldest first, as copies. */
  public destinations(ingestionArn?: string): IngestionDestination[] {
    return this.state.ingestionDestinations(ingestionArn);
  }

  /** The tags of an app bundle, ingestion or ingestion destination; `{}` when it has none or is unknown. */
  public tagsOf(resourceArn: string): Record<string, string> {
    return this.state.tagsOf(resourceArn);
  }

  /** Seeds an app bundle; returns `arn:<partition>:appfabric:<region>:<account>:appbundle/<uuid>`. */
  public createAppBundle(): string {
    return this.state.createAppBundle();
  }

  /** Marks the app authorization of bundle, app and tenant connected (`requireConnectedAuthorization`). */
  public connectAuthorization(appBundleArn: string, app: string, tenantId: string): void {
    this.state.connectAuthorization(appBundleArn, app, tenantId);
  }

  /** Sets an existing ingestion's state without a request, e.g. to seed a stopped ingestion. */
  public setIngestionState(ingestionArn: string, state: IngestionState): void {
    this.state.forceIngestionState(ingestionArn, state);
  }

  /** Empties the call log only; state, faults and settings stay. */
  public clearCalls(): void {
    this.log.length = 0;
  }

  /** Drops the faults not yet handed out. */
  public clearFaults(): void {
    this.faults.clear();
  }

  /** Queues a fault for the next `times` calls matching `operation`; consumed first in, first out. */
  public injectFault(injection: FaultInjection): void {
    this.faults.add(injection);
  }

  /**
   * Forgets ingestions, ingestion destinations, tags, idempotency tokens, connected authorizations,
   * the call log and pending faults, and refills the rate limit. App bundles and settings stay.
   */
  public reset(): void {
    this.state.reset();
    this.log.length = 0;
    this.faults.clear();
    this.bucket?.refill();
  }

  /** Closes the server and every open connection. */
  public async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((resolve, timer) => {
      clearTimeout(timer);
      resolve();
    });
    this.timers.clear();
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return;
    }
    const method = req.method ?? 'GET';
    const [rawPath, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const query = parseQuery(rawQuery);
    const match = matchRoute(this.routes, method, rawPath);
    const call: MutableCall = {
      operation: match?.route.operation,
      method,
      path: rawPath,
      input: { labels: match?.labels ?? {}, query, body: parseBody(body) },
      at: new Date(),
    };
    this.log.push(call);

    try {
      await verifySignature({ method, rawPath, query, headers: req.headers, body },
        { service: MODEL.metadata.signingName, region: this.region, credentials: this.credentials });
      if (!match) {
        const known = modelOperationFor(method, rawPath);
        throw new EmulatorError('UnknownOperationException', known
          ? `${known} is an AppFabric operation the emulator does not serve`
          : `no AppFabric operation for ${method} ${rawPath}`);
      }
      const operation = match.route.operation;

      const fault = this.faults.take(operation);
      call.fault = fault?.kind;
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'throttle' || fault?.kind === 'status') {
        throw faultError(fault);
      }
      if (fault?.kind === 'delay') {
        await this.sleep(fault.ms);
        if (this.stopped) {
          return;
        }
      }

      const token = this.bucket?.take();
      if (token && !token.allowed) {
        const retryAfter = { 'Retry-After': String(token.retryAfterSeconds) };
        throw new EmulatorError('ThrottlingException', 'Rate exceeded', 429, retryAfter);
      }
      const params = readParams(operation, call.input);
      const result = HANDLERS[operation](this.state, params);
      if (fault?.kind === 'lose-answer') {
        req.socket.destroy();
        return;
      }
      this.respond(res, call, match.route.successCode, {}, result);
    } catch (error) {
      const failure = error instanceof EmulatorError
        ? error
        : new EmulatorError('InternalServerException', `emulator failure: ${String(error)}`);
      call.errorType = failure.errorType;
      const headers = { 'x-amzn-ErrorType': failure.errorType, ...failure.headers };
      this.respond(res, call, failure.statusCode, headers, { message: failure.message });
    }
  }

  private respond(
    res: ServerResponse, call: MutableCall, statusCode: number, headers: Record<string, string>, body?: object,
  ): void {
    call.statusCode = statusCode;
    const payload = body === undefined || statusCode === 204 ? '' : JSON.stringify(body);
    res.writeHead(statusCode, {
      ...headers,
      'x-amzn-RequestId': randomUUID(),
      ...(payload ? { 'Content-Type': 'application/json' } : {}),
      'Content-Length': String(Buffer.byteLength(payload)),
    });
    res.end(payload);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseQuery(rawQuery: string): Record<string, string[]> {
  const query: Record<string, string[]> = {};
  for (const pair of rawQuery.split('&').filter((p) => p.length > 0)) {
    const [key, value = ''] = pair.split(/=(.*)/s);
    (query[safeDecode(key)] ??= []).push(safeDecode(value));
  }
  return query;
}

/** The JSON body, undefined when empty, or the raw text when not JSON (validation rejects that). */
function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim().length === 0) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
