import rawModel from 'aws-sdk/apis/appfabric-2023-05-19.min.json';
import { EmulatorError } from './errors';

/** The operations the emulator serves. */
export const OPERATIONS = [
  'CreateIngestion',
  'GetIngestion',
  'ListIngestions',
  'StartIngestion',
  'StopIngestion',
  'DeleteIngestion',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
  'CreateIngestionDestination',
  'GetIngestionDestination',
  'ListIngestionDestinations',
  'UpdateIngestionDestination',
  'DeleteIngestionDestination',
] as const;

export type OperationName = typeof OPERATIONS[number];

/** A route read from the API model: method and path template of one operation. */
export interface EmulatorRoute {
  readonly operation: OperationName;
  readonly method: string;
  readonly pathTemplate: string;
  readonly successCode: number;
}

/** What a request carried, decoded: path labels, query lists and the parsed JSON body. */
export interface RequestInput {
  readonly labels: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, readonly string[]>>;
  readonly body?: unknown;
}

interface ShapeRef {
  readonly shape?: string;
  readonly type?: string;
  readonly location?: string;
  readonly locationName?: string;
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly member?: ShapeRef;
  readonly required?: readonly string[];
  readonly timestampFormat?: string;
  readonly union?: boolean;
}

interface OperationModel {
  readonly http: {
    readonly method?: string;
    readonly requestUri: string;
    readonly responseCode?: number;
  };
  readonly input?: ShapeRef;
  readonly output?: ShapeRef;
}

interface ApiModel {
  readonly metadata: { readonly signingName: string };
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, ShapeRef>>;
}

interface Constraint {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly oneOf?: readonly string[];
}

export const MODEL = rawModel as unknown as ApiModel;

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
const IDENTIFIER: Constraint = { min: 1, max: 1011, pattern: new RegExp(`^arn:.+$|^${UUID}$`) };

// The minified model keeps no length or pattern traits, so the constraints AppFabric
// documents live here, keyed by member path with `member` standing for any list item.
const CONSTRAINTS: Readonly<Record<string, Constraint>> = {
  'appBundleIdentifier': IDENTIFIER,
  'ingestionIdentifier': IDENTIFIER,
  'ingestionDestinationIdentifier': IDENTIFIER,
  'app': { min: 1, max: 255 },
  'tenantId': { min: 1, max: 1024 },
  'ingestionType': { oneOf: ['auditLog'] },
  'clientToken': { pattern: new RegExp(`^${UUID}$`) },
  'tags': { min: 0, max: 50 },
  'tags.member.key': { min: 1, max: 128 },
  'tags.member.value': { min: 0, max: 256 },
  'tagKeys': { min: 1, max: 50 },
  'tagKeys.member': { min: 1, max: 128 },
  'resourceArn': { min: 1, max: 1011, pattern: /^arn:.+$/ },
  'maxResults': { pattern: /^([1-9][0-9]?|100)$/ },
  'nextToken': { min: 1, max: 2048 },
  'processingConfiguration.auditLog.schema': { oneOf: ['ocsf', 'raw'] },
  'processingConfiguration.auditLog.format': { oneOf: ['json', 'parquet'] },
  'destinationConfiguration.auditLog.destination.s3Bucket.bucketName': { min: 3, max: 63 },
  'destinationConfiguration.auditLog.destination.s3Bucket.prefix': { min: 1, max: 120 },
  'destinationConfiguration.auditLog.destination.firehoseStream.streamName': { min: 3, max: 64 },
};

/** Reads method, path template and success code of the served operations from the API model. */
export function loadRoutes(): readonly EmulatorRoute[] {
  return OPERATIONS.map((operation) => {
    const http = operationModel(operation).http;
    return {
      operation,
      method: http.method ?? 'POST',
      pathTemplate: http.requestUri,
      successCode: http.responseCode ?? 200,
    };
  });
}

/** Names the model operation a method and path belong to, served or not. */
export function modelOperationFor(method: string, rawPath: string): string | undefined {
  return Object.entries(MODEL.operations)
    .find(([, op]) => (op.http.method ?? 'POST') === method && matchTemplate(op.http.requestUri, rawPath))
    ?.[0];
}

/** Finds the served route for a request and decodes its path labels. */
export function matchRoute(routes: readonly EmulatorRoute[], method: string, rawPath: string):
{ route: EmulatorRoute; labels: Record<string, string> } | undefined {
  for (const route of routes) {
    const labels = route.method === method ? matchTemplate(route.pathTemplate, rawPath) : undefined;
    if (labels) {
      return { route, labels };
    }
  }
  return undefined;
}

/**
 * Turns the decoded request into the operation's input members, checking them against the model
 * (required members, member types, unknown members) and AppFabric's documented constraints.
 */
export function readParams(operation: OperationName, input: RequestInput): Record<string, unknown> {
  const shape = resolve(operationModel(operation).input ?? { type: 'structure', members: {} });
  const params: Record<string, unknown> = {};
  const bodyMembers = new Set<string>();
  const errors: string[] = [];

  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const member = resolve(ref);
    const wireName = member.locationName ?? name;
    if (member.location === 'uri') {
      params[name] = input.labels[wireName];
    } else if (member.location === 'querystring') {
      const values = input.query[wireName];
      params[name] = member.type === 'list' ? values : values?.[0];
    } else {
      bodyMembers.add(wireName);
      params[name] = isPlainObject(input.body) ? input.body[wireName] : undefined;
    }
  }

  if (input.body !== undefined && !isPlainObject(input.body)) {
    errors.push('request body must be a JSON object');
  } else if (isPlainObject(input.body)) {
    for (const key of Object.keys(input.body).filter((k) => !bodyMembers.has(k))) {
      errors.push(violation(key, `is not part of the ${operation} input`));
    }
  }
  checkStructure(shape, params, '', '', errors);

  if (errors.length > 0) {
    const count = `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected`;
    throw new EmulatorError('ValidationException', `${count}: ${errors.join('; ')}`);
  }
  return params;
}

/** Renders an ingestion as the model's Ingestion output shape says, timestamps in the model's format. */
export function toWireIngestion(ingestion: object): Record<string, unknown> {
  return toWire('GetIngestion', 'ingestion', ingestion);
}

/** Renders an ingestion destination as the model's IngestionDestination output shape says. */
export function toWireIngestionDestination(destination: object): Record<string, unknown> {
  return toWire('GetIngestionDestination', 'ingestionDestination', destination);
}

function toWire(operation: OperationName, outputMember: string, record: object): Record<string, unknown> {
  const shape = resolve(operationModel(operation).output?.members?.[outputMember] ?? {});
  const wire: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const value = (record as Record<string, unknown>)[name];
    const member = resolve(ref);
    const isTimestamp = member.type === 'timestamp' && value instanceof Date;
    wire[name] = isTimestamp ? formatTimestamp(value, member.timestampFormat) : value;
  }
  return wire;
}

function operationModel(operation: string): OperationModel {
  const op = MODEL.operations[operation];
  if (!op) {
    throw new Error(`operation ${operation} is not in the AppFabric API model`);
  }
  return op;
}

function matchTemplate(template: string, rawPath: string): Record<string, string> | undefined {
  const expected = template.split('?')[0].split('/');
  const actual = rawPath.split('/');
  if (expected.length !== actual.length) {
    return undefined;
  }

  const labels: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    const label = /^\{([^}+]+)\}$/.exec(expected[i]);
    if (label && actual[i].length > 0) {
      labels[label[1]] = safeDecode(actual[i]);
    } else if (expected[i] !== actual[i]) {
      return undefined;
    }
  }
  return labels;
}

/** Decodes a percent-encoded value; a malformed escape stays as received, so lookups fail, not the server. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function resolve(ref: ShapeRef): ShapeRef {
  const target = ref.shape ? MODEL.shapes[ref.shape] : undefined;
  const merged = { ...target, ...ref };
  return { ...merged, type: merged.type ?? 'string' };
}

function checkStructure(
  shape: ShapeRef, value: Record<string, unknown>, path: string, schemaPath: string, errors: string[],
): void {
  for (const name of shape.required ?? []) {
    if (value[name] === undefined || value[name] === null) {
      errors.push(violation(join(path, name), 'must not be null', 'Value null'));
    }
  }
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const member = value[name];
    if (member !== undefined && member !== null) {
      checkValue(resolve(ref), member, join(path, name), join(schemaPath, name), errors);
    }
  }
}

function checkValue(shape: ShapeRef, value: unknown, path: string, schemaPath: string, errors: string[]) {
  if (shape.type === 'string' && typeof value !== 'string') {
    errors.push(violation(path, `must be a string, received ${describe(value)}`));
    return;
  }
  if (shape.type === 'list') {
    if (!Array.isArray(value)) {
      errors.push(violation(path, `must be a list, received ${describe(value)}`));
      return;
    }
    value.forEach((item, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (item === undefined || item === null) {
        errors.push(violation(itemPath, 'must not be null', 'Value null'));
      } else {
        checkValue(resolve(shape.member ?? {}), item, itemPath, `${schemaPath}.member`, errors);
      }
    });
  }
  if (shape.type === 'structure') {
    if (!isPlainObject(value)) {
      errors.push(violation(path, `must be an object, received ${describe(value)}`));
      return;
    }
    const known = new Set(Object.keys(shape.members ?? {}));
    for (const key of Object.keys(value).filter((k) => !known.has(k))) {
      errors.push(violation(join(path, key), 'is not part of the structure'));
    }
    checkStructure(shape, value, path, schemaPath, errors);
    if (shape.union) {
      checkUnion(shape, value, path, errors);
    }
  }
  checkConstraint(CONSTRAINTS[schemaPath], value, path, errors);
}

function checkUnion(shape: ShapeRef, value: Record<string, unknown>, path: string, errors: string[]) {
  const members = Object.keys(shape.members ?? {});
  const set = members.filter((name) => value[name] !== undefined && value[name] !== null);
  if (set.length !== 1) {
    const shown = `Value with ${set.length === 0 ? 'no members' : `members [${set.join(', ')}]`} set`;
    errors.push(violation(path, `must have exactly one of [${members.join(', ')}] set`, shown));
  }
}

function checkConstraint(constraint: Constraint | undefined, value: unknown, path: string, errors: string[]) {
  if (!constraint || (typeof value !== 'string' && !Array.isArray(value))) {
    return;
  }
  const shown = typeof value === 'string' ? `Value '${shorten(value)}'` : `Value with ${value.length} items`;
  const fail = (rule: string) => errors.push(violation(path, `must ${rule}`, shown));

  if (constraint.min !== undefined && value.length < constraint.min) {
    fail(`have length greater than or equal to ${constraint.min}`);
  } else if (constraint.max !== undefined && value.length > constraint.max) {
    fail(`have length less than or equal to ${constraint.max}`);
  } else if (constraint.pattern && typeof value === 'string' && !constraint.pattern.test(value)) {
    fail(`satisfy regular expression pattern: ${constraint.pattern.source}`);
  } else if (constraint.oneOf && typeof value === 'string' && !constraint.oneOf.includes(value)) {
    fail(`satisfy enum value set: [${constraint.oneOf.join(', ')}]`);
  }
}

function formatTimestamp(date: Date, format: string | undefined): string | number {
  if (format === 'iso8601') {
    return date.toISOString();
  }
  if (format === 'rfc822') {
    return date.toUTCString();
  }
  // REST-JSON's default timestamp format: epoch seconds.
  return date.getTime() / 1000;
}

/** AWS's wording for a failed constraint. */
function violation(path: string, rule: string, shown = 'Value'): string {
  return `${shown} at '${path}' failed to satisfy constraint: Member ${rule}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`;
}

function shorten(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}...` : value;
}
