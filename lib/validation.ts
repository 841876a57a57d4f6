import { Token } from 'aws-cdk-lib';

const UUID_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;
const APP_BUNDLE_ARN_PATTERN = /^arn:[a-z0-9-]+:appfabric:([a-z0-9-]+):(\d{12}):appbundle\/([a-f0-9-]+)$/;
const SHOWN_VALUE_LIMIT = 80;

/** The parts of an app bundle identifier that synth-time checks care about. */
export interface AppBundleReference {
  readonly region?: string;
  readonly account?: string;
  readonly bundleId: string;
}

/**
 * Quotes a user's value for an error message, cut short so that a huge value does not bury the message.
 */
export function showValue(value: string): string {
  const shown = value.length > SHOWN_VALUE_LIMIT ? `${value.slice(0, SHOWN_VALUE_LIMIT)}...` : value;
  return JSON.stringify(shown);
}

/**
 * Checks the length of a string, skipping values that are unresolved tokens.
 *
 * @returns an error message, or undefined when the value is acceptable
 */
export function checkLength(field: string, value: string, min: number, max: number): string | undefined {
  if (Token.isUnresolved(value) || (value.length >= min && value.length <= max)) {
    return undefined;
  }
  return `${field} must be ${min} to ${max} characters long, got ${value.length} characters: ${showValue(value)}`;
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
  const hint = UUID_PATTERN.test(value.toLowerCase()) ? ' (AppFabric takes the UUID in lowercase)' : '';
  return `${field} must be an app bundle ARN (arn:<partition>:appfabric:<region>:<account>:appbundle/<uuid>) `
    + `or the bundle's lowercase UUID, got ${showValue(value)}${hint}`;
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
  if (bundle.region && !Token.isUnresolved(stackRegion) && bundle.region !== stackRegion) {
    return `${field} is in region ${bundle.region} but the stack deploys to ${stackRegion}: `
      + `an ingestion must be created in its app bundle's region, got ${showValue(value)}`;
  }
  if (bundle.account && !Token.isUnresolved(stackAccount) && bundle.account !== stackAccount) {
    return `${field} belongs to account ${bundle.account} but the stack deploys to ${stackAccount}: `
      + `an ingestion must be created in its app bundle's account, got ${showValue(value)}`;
  }
  return undefined;
}

/**
 * Checks the tags AppFabric will receive: at most 50, keys 1 to 128 characters, values up to 256.
 */
export function checkTags(tags: Record<string, string>): string[] {
  const errors: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > 50) {
    errors.push(`tags must number at most 50 (AppFabric's limit), got ${keys.length}: ${showValue(keys.join(', '))}`);
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
