import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as model from 'aws-sdk/apis/appfabric-2023-05-19.min.json';
import { ROUTES } from '../lambda/appfabric';
import { failureResponse, MAX_RESPONSE_BYTES, oneLineReason } from '../lambda/cfn-response';
import { clientTokenFor, parseIngestionArn, readIngestionProperties, requiresReplacement } from '../lambda/ingestion';
import { Logger } from '../lambda/log';
import { diffTags, normaliseTags } from '../lambda/tags';

const BUNDLE_ID = '1a2b3c4d-1111-4222-8333-444455556666';
const BUNDLE_ARN = `arn:aws:appfabric:us-east-1:111122223333:appbundle/${BUNDLE_ID}`;
const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

const baseProps = readIngestionProperties({
  AppBundleIdentifier: BUNDLE_ARN, App: 'OKTA', TenantId: 'acme.okta.com', IngestionType: 'auditLog', Tags: { team: 'secops' },
});

describe('AppFabric binding routes', () => {
  const operations = model.operations as Record<string, { http: { method?: string; requestUri: string; responseCode?: number } }>;

  test.each(Object.entries(ROUTES))('%s matches the official API model', (operation, route) => {
    const { http } = operations[operation];
    expect(route.method).toBe(http.method ?? 'POST');
    expect(route.path).toBe(http.requestUri);
    expect(route.successCode).toBe(http.responseCode ?? 200);
  });

  test('UntagResource sends tagKeys in the query string as the model says', () => {
    const input = (model.operations as any).UntagResource.input.members.tagKeys;
    expect(input.location).toBe('querystring');
    expect(ROUTES.UntagResource.query).toEqual([input.locationName]);
  });
});

describe('clientToken', () => {
  test('is the RequestId, lowercased, when the RequestId is a UUID', () => {
    expect(clientTokenFor('3F2504E0-4F89-41D3-9A0C-0305E82C3301')).toBe('3f2504e0-4f89-41d3-9a0c-0305e82c3301');
  });

  test('maps any other RequestId to a UUID, the same one every time', () => {
    const token = clientTokenFor('not-a-uuid-request');
    expect(token).toMatch(UUID);
    expect(clientTokenFor('not-a-uuid-request')).toBe(token);
    expect(clientTokenFor('another-request')).not.toBe(token);
  });
});

describe('ingestion ARN', () => {
  test('splits into the bundle ARN and the ingestion id', () => {
    const ids = parseIngestionArn(`${BUNDLE_ARN}/ingestion/9f8e7d6c-5b4a-4321-8fed-cba987654321`);
    expect(ids).toEqual({
      appBundleArn: BUNDLE_ARN,
      ingestionId: '9f8e7d6c-5b4a-4321-8fed-cba987654321',
      identifiers: { appBundleIdentifier: BUNDLE_ARN, ingestionIdentifier: `${BUNDLE_ARN}/ingestion/9f8e7d6c-5b4a-4321-8fed-cba987654321` },
    });
  });

  test.each(['create-failed:abc', BUNDLE_ARN, '', 'arn:aws:s3:::bucket/ingestion/x'])('%j is not an ingestion ARN', (physicalId) => {
    expect(parseIngestionArn(physicalId)).toBeUndefined();
  });
});

describe('properties', () => {
  test('reads the rendered properties', () => {
    expect(baseProps).toEqual({
      appBundleIdentifier: BUNDLE_ARN, app: 'OKTA', tenantId: 'acme.okta.com', ingestionType: 'auditLog', enabled: true, tags: { team: 'secops' },
    });
  });

  test('takes numbers and booleans as CloudFormation would send them, as strings', () => {
    const asNumbers = readIngestionProperties({ AppBundleIdentifier: BUNDLE_ID, App: 'OKTA', TenantId: 12345, Tags: { n: 7 } });
    const asStrings = readIngestionProperties({ AppBundleIdentifier: BUNDLE_ID, App: 'OKTA', TenantId: '12345', Tags: { n: '7' } });
    expect(asNumbers).toEqual(asStrings);
    expect(requiresReplacement(asNumbers, asStrings)).toBe(false);
    expect(diffTags(asNumbers.tags, asStrings.tags)).toEqual({ toSet: [], toRemove: [] });
  });

  test('defaults the ingestion type and the tags', () => {
    const props = readIngestionProperties({ AppBundleIdentifier: BUNDLE_ID, App: 'OKTA', TenantId: 't' });
    expect(props.ingestionType).toBe('auditLog');
    expect(props.tags).toEqual({});
  });

  test.each([
    [{ App: 'OKTA', TenantId: 't' }, /property AppBundleIdentifier must be a non-empty string, got null/],
    [{ AppBundleIdentifier: BUNDLE_ID, App: { name: 'OKTA' }, TenantId: 't' }, /property App must be a non-empty string, got \{"name":"OKTA"\}/],
    [{ AppBundleIdentifier: BUNDLE_ID, App: 'OKTA', TenantId: '' }, /property TenantId must be a non-empty string, got ""/],
    [{ AppBundleIdentifier: BUNDLE_ID, App: 'OKTA', TenantId: 't', Tags: ['a'] }, /Tags must be a map of tag keys to values, got \["a"\]/],
    [{ AppBundleIdentifier: BUNDLE_ID, App: 'OKTA', TenantId: 't', Enabled: 'yes' }, /property Enabled must be true or false, got "yes"/],
  ])('rejects a hand-edited template: %j', (raw, message) => {
    expect(() => readIngestionProperties(raw)).toThrow(message);
  });
});

describe('replacement decision', () => {
  test.each([
    ['app', { app: 'SLACK' }],
    ['tenantId', { tenantId: 'other.okta.com' }],
    ['ingestion type', { ingestionType: 'somethingNew' }],
    ['bundle', { appBundleIdentifier: BUNDLE_ARN.replace(BUNDLE_ID, '99999999-1111-4222-8333-444455556666') }],
  ])('a change of %s replaces the ingestion', (_name, change) => {
    expect(requiresReplacement(baseProps, { ...baseProps, ...change })).toBe(true);
  });

  test('tags alone do not replace it', () => {
    expect(requiresReplacement(baseProps, { ...baseProps, tags: { other: 'x' } })).toBe(false);
  });

  test('the same bundle given by UUID instead of ARN does not replace it', () => {
    expect(requiresReplacement(baseProps, { ...baseProps, appBundleIdentifier: BUNDLE_ID })).toBe(false);
  });
});

describe('tags', () => {
  test('drops AWS-reserved keys, whatever their case, and turns values into strings', () => {
    expect(normaliseTags({ 'aws:cloudformation:stack-name': 's', 'AWS:x': 'y', 'n': 1, 'b': true, 'e': '' }))
      .toEqual({ n: '1', b: 'true', e: '' });
  });

  test('absent tags are no tags', () => {
    expect(normaliseTags(undefined)).toEqual({});
  });

  test('the diff sets new and changed tags and removes the missing ones', () => {
    expect(diffTags({ keep: '1', change: 'old', drop: 'x' }, { keep: '1', change: 'new', add: 'y' })).toEqual({
      toSet: [{ key: 'change', value: 'new' }, { key: 'add', value: 'y' }],
      toRemove: ['drop'],
    });
  });

  test('equal tags need no call', () => {
    expect(diffTags({ a: '1', b: '2' }, { b: '2', a: '1' })).toEqual({ toSet: [], toRemove: [] });
  });
});

describe('failure reasons', () => {
  const event = {
    RequestType: 'Create', RequestId: 'r', StackId: 's', LogicalResourceId: 'Okta', ResourceType: 'Custom::AppFabricIngestion',
    ResponseURL: 'https://example.invalid/', ServiceToken: 'arn', ResourceProperties: { ServiceToken: 'arn' },
  } as CloudFormationCustomResourceEvent;

  test('fit on one line, without control characters', () => {
    expect(oneLineReason('first line\n  second\tline \u0001\u0007end ')).toBe('first line second line end');
  });

  test.each([
    ['ASCII', 'x'.repeat(10_000)],
    ['control characters', 'a\u0001'.repeat(5000)],
    ['characters that take three bytes', '\u6f22'.repeat(5000)],
    ['characters JSON escapes', '"\\'.repeat(3000)],
  ])('keep the response under 4096 bytes with a message of %s and the longest physical id', (_name, message) => {
    const response = failureResponse(event, `arn:${'p'.repeat(1007)}`, message);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(response.Reason!.length).toBeGreaterThan(100);
  });

  test('are cut to stay far below the 4096-byte response limit', () => {
    const reason = oneLineReason('x'.repeat(10_000));
    expect(reason.length).toBe(1000);
    expect(reason.endsWith('...')).toBe(true);
  });
});

describe('logger', () => {
  test('writes one JSON object per line with the context fields', () => {
    const lines: string[] = [];
    const log = new Logger({ requestType: 'Create' }, (line) => lines.push(line)).child({ logicalResourceId: 'Okta' });

    log.info('ingestion created', { operation: 'CreateIngestion', outcome: 'success' });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'INFO', message: 'ingestion created', requestType: 'Create', logicalResourceId: 'Okta', operation: 'CreateIngestion',
    });
  });
});
