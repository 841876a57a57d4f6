import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { OWNER_TAG_KEY } from './owner-tag';

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
const UUID_PATTERN = new RegExp(`^${UUID}$`);
const APP_BUNDLE_ARN_PATTERN = /^arn:[a-z0-9-]+:appfabric:([a-z0-9-]+):(\d{12}):appbundle\/([^/]+)$/;
const INGESTION_ARN_PATTERN = new RegExp(`^(arn:[a-z0-9-]+:appfabric:[a-z0-9-]+:\\d{12}:appbundle/${UUID})/ingestion/(${UUID})$`);

/** Values longer than this are cut in messages, so that a huge value does not bury the message. */
const SHOWN_VALUE_LIMIT = 120;
/** AppFabric identifiers (ARNs) are at most this long; messages show them whole. */
const IDENTIFIER_LIMIT = 1011;

/** The parts of an app bundle identifier that synth-time checks care about. */
export interface AppBundleReference {
  readonly region?: string;
  readonly account?: string;
  readonly bundleId: string;
}

/** The parts of an ingestion ARN. */
export interface IngestionArnParts {
  readonly appBundleArn: string;
  readonly ingestionId: string;
}

/**
 * Quotes a user's value for an error message, cut short past `limit` characters.
 */
export function showValue(value: unknown, limit = SHOWN_VALUE_LIMIT): string {
  if (typeof value !== 'string') {
    return value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  }
  return JSON.stringify(value.length > limit ? `${value.slice(0, limit)}...` : value);
}

/**
 * Checks the length of a string in characters (Unicode code points, as AppFabric counts them),
 * skipping values that are unresolved tokens.
 *
 * @returns an error message, or undefined when the value is acceptable
 */
export function checkLength(field: string, value: unknown, min: number, max: number): string | undefined {
  if (typeof value !== 'string') {
    return `${field} must be a string of ${min} to ${max} characters, got ${showValue(value)}`;
  }
  const length = [...value].length;
  if (Token.isUnresolved(value) || (length >= min && length <= max)) {
    return undefined;
  }
  return `${field} must be ${min} to ${max} characters long, got ${length} characters: ${showValue(value)}`;
}

/**
 * Parses an app bundle given as an AppFabric app bundle ARN or a lowercase UUID.
 *
 * @returns the parsed reference, or an error message
 */
export function parseAppBundle(field: string, value: string): AppBundleReference | string {
  if (UUID_PATTERN.test(value)) {
    return { bundleId: value };
  }
  const arn = APP_BUNDLE_ARN_PATTERN.exec(value);
  if (arn && UUID_PATTERN.test(arn[3])) {
    return { region: arn[1], account: arn[2], bundleId: arn[3] };
  }

  const shown = showValue(value, IDENTIFIER_LIMIT);
  const ingestion = parseIngestionArn(value);
  if (ingestion) {
    return `${field} must be an app bundle, got the ingestion ARN ${shown}: its bundle is ${ingestion.appBundleArn}`;
  }
  const bundleId = arn ? arn[3] : value;
  const hint = UUID_PATTERN.test(bundleId.toLowerCase()) ? ' (AppFabric takes the UUID in lowercase)' : '';
  return `${field} must be an app bundle ARN (arn:<partition>:appfabric:<region>:<account>:appbundle/<uuid>) `
    + `or the bundle's lowercase UUID, got ${shown}${hint}`;
}

/**
 * Splits an AppFabric ingestion ARN into its bundle's ARN and its id.
 *
 * @returns undefined when the value is not an ingestion ARN
 */
export function parseIngestionArn(value: string): IngestionArnParts | undefined {
  const match = INGESTION_ARN_PATTERN.exec(value);
  return match ? { appBundleArn: match[1], ingestionId: match[2] } : undefined;
}

/** Shows an ingestion ARN that failed to parse, in full. */
export function invalidIngestionArn(field: string, value: string): string {
  return `${field} must be an AppFabric ingestion ARN `
    + `(arn:<partition>:appfabric:<region>:<account>:appbundle/<uuid>/ingestion/<uuid>), got ${showValue(value, IDENTIFIER_LIMIT)}`;
}

/**
 * Checks that a literal region or account of an app bundle ARN matches the stack's, when both are known.
 *
 * The handler calls AppFabric in the stack's own region and its permissions are limited to the
 * stack's account, so a bundle elsewhere could never be reached.
 */
export function checkSameEnvironment(
  field: string, value: string, bundle: AppBundleReference, stackRegion: string, stackAccount: string,
): string | undefined {
  const shown = showValue(value, IDENTIFIER_LIMIT);
  if (bundle.region && !Token.isUnresolved(stackRegion) && bundle.region !== stackRegion) {
    return `${field} is in region ${bundle.region} but the stack deploys to ${stackRegion}: `
      + `an ingestion must be created in its app bundle's region, got ${shown}`;
  }
  if (bundle.account && !Token.isUnresolved(stackAccount) && bundle.account !== stackAccount) {
    return `${field} belongs to account ${bundle.account} but the stack deploys to ${stackAccount}: `
      + `an ingestion must be created in its app bundle's account, got ${shown}`;
  }
  return undefined;
}

/**
 * Checks the tags AppFabric will receive: at most `max` (AppFabric allows 50; ingestions leave
 * one for the handler's owner tag), keys 1 to 128 characters, values up to 256.
 */
export function checkTags(tags: Record<string, string>, max: number): string[] {
  const errors: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > max) {
    const why = max < 50 ? `AppFabric allows 50 and the handler adds its own tag ${OWNER_TAG_KEY}` : 'AppFabric\'s limit';
    errors.push(`tags must number at most ${max} (${why}), got ${keys.length}: ${showValue(keys.join(', '))}`);
  }
  if (OWNER_TAG_KEY in tags) {
    errors.push(`tag key ${OWNER_TAG_KEY} is reserved: the handler sets it to recognise the ingestions it made`);
  }
  for (const key of keys) {
    const keyError = checkLength('tag key', key, 1, 128);
    if (keyError) {
      errors.push(keyError);
    }
    const valueError = checkLength(`value of tag ${showValue(key)}`, tags[key], 0, 256);
    if (valueError) {
      errors.push(valueError);
    }
  }
  return errors;
}

/**
 * A custom resource takes the deletion policies that keep or delete; it has nothing to snapshot.
 */
export function checkRemovalPolicy(policy: RemovalPolicy): string | undefined {
  const allowed = [RemovalPolicy.DESTROY, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE];
  if (allowed.includes(policy)) {
    return undefined;
  }
  return 'removalPolicy must be RemovalPolicy.DESTROY, RemovalPolicy.RETAIN or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, '
    + `got ${removalPolicyName(policy)} (an ingestion has no snapshot)`;
}

function removalPolicyName(policy: RemovalPolicy): string {
  const name = Object.entries(RemovalPolicy).find(([, value]) => value === policy)?.[0];
  return name ? `RemovalPolicy.${name}` : showValue(policy);
}

/** Whether a tag key is reserved by AWS; the prefix is reserved whatever its case. */
export function isReservedTagKey(key: string): boolean {
  return key.toLowerCase().startsWith('aws:');
}

/** The regions AppFabric runs in. */
const APPFABRIC_REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];

/** A stack whose region is known and has no AppFabric gets a warning, once per stack. */
export function warnOutsideAppFabricRegions(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region) && !APPFABRIC_REGIONS.includes(stack.region)) {
    Annotations.of(stack).addWarningV2('cdk-appfabric-ingestion:region', `AppFabric runs only in ${APPFABRIC_REGIONS.join(', ')}; `
      + `this stack deploys to ${stack.region}, where creating an ingestion fails`);
  }
}
