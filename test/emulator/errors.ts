/** The error types the emulator answers with, and the HTTP status AppFabric pairs with each. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ResourceNotFoundException: 404,
  UnknownOperationException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
};

// Answered by the signing and routing front door, never picked for a bare status code.
const GATEWAY_ERRORS = ['InvalidSignatureException', 'UnrecognizedClientException', 'UnknownOperationException'];

/** An AppFabric error answer: `x-amzn-ErrorType` header, status code and `{ message }` body. */
export class EmulatorError extends Error {
  public readonly errorType: string;
  public readonly statusCode: number;
  public readonly headers: Readonly<Record<string, string>>;

  constructor(
    errorType: string, message: string, statusCode?: number, headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    this.statusCode = statusCode ?? ERROR_STATUS[errorType] ?? 500;
    this.headers = headers;
  }
}

/** The error type AppFabric most likely pairs with a status code, for faults giving only a code. */
export function errorTypeForStatus(statusCode: number): string {
  const known = Object.entries(ERROR_STATUS)
    .find(([type, status]) => status === statusCode && !GATEWAY_ERRORS.includes(type));
  return known?.[0] ?? (statusCode >= 500 ? 'InternalServerException' : 'ValidationException');
}
