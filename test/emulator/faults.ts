import { EmulatorError, errorTypeForStatus } from './errors';
import { OPERATIONS, type OperationName } from './model';

/** Answer 429 ThrottlingException, with `Retry-After` when `retryAfterSeconds` is given. */
export interface ThrottleFault {
  readonly kind: 'throttle';
  readonly retryAfterSeconds?: number;
}

/** Answer any error status; `errorType` defaults to the type AppFabric pairs with the status. */
export interface StatusFault {
  readonly kind: 'status';
  readonly statusCode: number;
  readonly errorType?: string;
  readonly message?: string;
}

/** Wait `ms` milliseconds, then handle the request normally. */
export interface DelayFault {
  readonly kind: 'delay';
  readonly ms: number;
}

/** Destroy the connection without answering. */
export interface ResetFault {
  readonly kind: 'reset';
}

/** Carry the request out, then destroy the connection: the change happened but its answer is lost. */
export interface LoseAnswerFault {
  readonly kind: 'lose-answer';
}

export type Fault = ThrottleFault | StatusFault | DelayFault | ResetFault | LoseAnswerFault;
export type FaultKind = Fault['kind'];

export interface FaultInjection {
  /**
   * The operation whose calls get the fault.
   * @default - any operation
   */
  readonly operation?: OperationName;
  /**
   * How many matching calls get the fault.
   * @default 1
   */
  readonly times?: number;
  readonly fault: Fault;
}

interface Pending {
  readonly operation?: OperationName;
  readonly fault: Fault;
  remaining: number;
}

/** Injected faults, handed out first in, first out to the calls they match. */
export class FaultQueue {
  private readonly queue: Pending[] = [];

  public get pending(): number {
    return this.queue.reduce((sum, p) => sum + p.remaining, 0);
  }

  public add(injection: FaultInjection): void {
    const times = injection.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new Error(`times must be a positive integer, received ${times}`);
    }
    if (injection.operation !== undefined && !OPERATIONS.includes(injection.operation)) {
      const allowed = OPERATIONS.join(', ');
      throw new Error(`operation must be one of ${allowed}, received ${injection.operation}`);
    }
    checkFault(injection.fault);
    this.queue.push({ operation: injection.operation, fault: injection.fault, remaining: times });
  }

  /** Takes the next fault for a call to `operation`, if one is queued. */
  public take(operation: OperationName): Fault | undefined {
    const index = this.queue.findIndex((p) => (p.operation ?? operation) === operation);
    if (index < 0) {
      return undefined;
    }
    const pending = this.queue[index];
    pending.remaining -= 1;
    if (pending.remaining === 0) {
      this.queue.splice(index, 1);
    }
    return pending.fault;
  }

  public clear(): void {
    this.queue.length = 0;
  }
}

/** The error answer of a throttle or status fault. */
export function faultError(fault: ThrottleFault | StatusFault): EmulatorError {
  if (fault.kind === 'throttle') {
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined
      ? {}
      : { 'Retry-After': String(fault.retryAfterSeconds) };
    return new EmulatorError('ThrottlingException', 'Rate exceeded', 429, headers);
  }
  return new EmulatorError(fault.errorType ?? errorTypeForStatus(fault.statusCode),
    fault.message ?? `injected fault: status ${fault.statusCode}`, fault.statusCode);
}

function checkFault(fault: Fault): void {
  const status = fault.kind === 'status' ? fault.statusCode : 400;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new Error(`statusCode must be an error status between 400 and 599, received ${status}`);
  }
  if (fault.kind === 'delay' && !(fault.ms >= 0)) {
    throw new Error(`ms must be zero or more, received ${fault.ms}`);
  }
  const retryAfter = fault.kind === 'throttle' ? fault.retryAfterSeconds ?? 0 : 0;
  if (!(retryAfter >= 0)) {
    throw new Error(`retryAfterSeconds must be zero or more, received ${retryAfter}`);
  }
}
