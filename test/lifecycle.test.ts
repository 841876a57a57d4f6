import { Stack, Tags } from 'aws-cdk-lib';
import { Ingestion, IngestionApp } from '../lib';
import { AppFabricEmulator } from './emulator';
import { CloudFormation, LambdaRuntime, ResponseRecorder, synthesize } from './support/lambda-runtime';

/** The tag the handler adds to recognise what it made: the stack's name and the logical id. */
const OWNED_BY_OKTA = { 'appfabric-ingestion:owner': 'Lifecycle/Okta' };
const INGESTION_ARN = /^arn:aws:appfabric:us-east-1:111122223333:appbundle\/[a-f0-9-]{36}\/ingestion\/[a-f0-9-]{36}$/;

let emulator: AppFabricEmulator;
let responses: ResponseRecorder;
let lambda: LambdaRuntime;
let cloudFormation: CloudFormation;
let bundleArn: string;

/** The stack as a user would write it, in the version a test deploys. */
function oktaStack(bundle: string, tenantId: string, team: string, extraTags: Record<string, string> = {}) {
  return (stack: Stack) => {
    const okta = new Ingestion(stack, 'Okta', { appBundle: bundle, app: IngestionApp.OKTA, tenantId, tags: extraTags });
    Tags.of(stack).add('team', team);
    Tags.of(okta).add('source', 'okta');
  };
}

function propertiesOf(build: (stack: Stack) => void): Record<string, unknown> {
  return synthesize(build).properties.Okta;
}

beforeAll(async () => {
  emulator = await AppFabricEmulator.start();
  responses = await ResponseRecorder.start();
  bundleArn = emulator.createAppBundle();
  const { handlerFile } = synthesize(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
  lambda = new LambdaRuntime(handlerFile, { region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.credentials });
  cloudFormation = new CloudFormation(lambda, responses);
});

afterAll(async () => {
  await emulator?.stop();
  await responses?.stop();
});

beforeEach(() => {
  emulator.reset();
  bundleArn = emulator.createAppBundle();
});

describe('the life of an ingestion, through create, repeat, tag update, replacement and delete', () => {
  test('every step answers CloudFormation and leaves AppFabric as the template says', async () => {
    // GIVEN the first version of the stack
    const v1 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));

    // WHEN CloudFormation creates the resource
    const created = await cloudFormation.create('Okta', v1, '4A3B2C1D-0000-4000-8000-00000000000A');

    // THEN one ingestion exists with the stack's tags, and CloudFormation holds its ARN
    expect(created).toMatchObject({ Status: 'SUCCESS', LogicalResourceId: 'Okta', RequestId: '4A3B2C1D-0000-4000-8000-00000000000A' });
    expect(created.PhysicalResourceId).toMatch(INGESTION_ARN);
    const arn = created.PhysicalResourceId!;
    expect(created.Data).toEqual({
      Arn: arn, Id: arn.split('/').pop(), AppBundleArn: bundleArn, State: 'enabled',
    });
    expect(emulator.ingestions()).toEqual([expect.objectContaining({ arn, app: 'OKTA', tenantId: 'acme.okta.com', state: 'enabled' })]);
    expect(emulator.tagsOf(arn)).toEqual({ team: 'secops', source: 'okta', ...OWNED_BY_OKTA });
    const creates = emulator.callsOf('CreateIngestion');
    expect(creates).toHaveLength(1);
    expect(creates[0].input.body).toMatchObject({ clientToken: '4a3b2c1d-0000-4000-8000-00000000000a' });

    // WHEN CloudFormation sends the same Create again (a retried invocation)
    const repeated = await cloudFormation.create('Okta', v1, '4A3B2C1D-0000-4000-8000-00000000000A');

    // THEN it gets the same ingestion and no second one exists
    expect(repeated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
    expect(emulator.ingestions()).toHaveLength(1);

    // WHEN only tags change: team changes, source goes, owner comes
    const v2 = propertiesOf((stack) => {
      new Ingestion(stack, 'Okta', { appBundle: bundleArn, app: IngestionApp.OKTA, tenantId: 'acme.okta.com', tags: { owner: 'ir' } });
      Tags.of(stack).add('team', 'incident-response');
    });
    emulator.clearCalls();
    const tagged = await cloudFormation.update('Okta', arn, v2, v1);

    // THEN the same ingestion is kept and only the difference is sent
    expect(tagged).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
    expect(tagged.Data).toMatchObject({ Arn: arn, State: 'enabled' });
    expect(emulator.calls.map((call) => call.operation)).toEqual(['UntagResource', 'TagResource']);
    expect(emulator.callsOf('UntagResource')[0].input.query).toEqual({ tagKeys: ['source'] });
    expect(emulator.callsOf('TagResource')[0].input.body).toEqual({
      tags: expect.arrayContaining([{ key: 'owner', value: 'ir' }, { key: 'team', value: 'incident-response' }]),
    });
    expect(emulator.tagsOf(arn)).toEqual({ team: 'incident-response', owner: 'ir', ...OWNED_BY_OKTA });

    // WHEN nothing changes
    emulator.clearCalls();
    const unchanged = await cloudFormation.update('Okta', arn, v2, v2);

    // THEN AppFabric is not called at all
    expect(unchanged).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn, Data: { Arn: arn, State: 'enabled' } });
    expect(emulator.calls).toEqual([]);

    // WHEN the tenant changes, which AppFabric cannot update
    const v3 = propertiesOf(oktaStack(bundleArn, 'acme-eu.okta.com', 'incident-response'));
    const replaced = await cloudFormation.update('Okta', arn, v3, v2);

    // THEN a new ingestion is created and returned; the old one waits for CloudFormation's cleanup
    expect(replaced).toMatchObject({ Status: 'SUCCESS' });
    expect(replaced.PhysicalResourceId).toMatch(INGESTION_ARN);
    expect(replaced.PhysicalResourceId).not.toBe(arn);
    const newArn = replaced.PhysicalResourceId!;
    expect(emulator.ingestions().map((ingestion) => ingestion.arn).sort()).toEqual([arn, newArn].sort());
    expect(emulator.tagsOf(newArn)).toEqual({ team: 'incident-response', source: 'okta', ...OWNED_BY_OKTA });

    // WHEN CloudFormation deletes the old ingestion in its cleanup, then the stack is deleted
    emulator.clearCalls();
    const cleanup = await cloudFormation.delete('Okta', arn, v2);
    const deleted = await cloudFormation.delete('Okta', newArn, v3);

    // THEN both are stopped and deleted, and nothing is left
    expect(cleanup).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: newArn });
    expect(emulator.calls.map((call) => call.operation)).toEqual(['StopIngestion', 'DeleteIngestion', 'StopIngestion', 'DeleteIngestion']);
    expect(emulator.ingestions()).toEqual([]);
  });
});

describe('create', () => {
  test('a conflict fails the create with the AppFabric error, and the rollback delete calls nothing', async () => {
    // GIVEN an ingestion for the same app and tenant made outside the stack
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const existing = await cloudFormation.create('Elsewhere', properties);
    emulator.clearCalls();

    // WHEN the stack creates its own
    const failed = await cloudFormation.create('Okta', properties);

    // THEN CloudFormation gets FAILED with a one-line reason naming the error, and a physical id that is no ARN
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toMatch(/^AppFabric CreateIngestion failed: ConflictException: /);
    expect(failed.Reason).not.toContain('\n');
    expect(failed.PhysicalResourceId).not.toMatch(INGESTION_ARN);

    // WHEN CloudFormation rolls back with a Delete of that physical id
    emulator.clearCalls();
    const rollback = await cloudFormation.delete('Okta', failed.PhysicalResourceId!, properties);

    // THEN it succeeds without calling AppFabric, and the other ingestion is untouched
    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: failed.PhysicalResourceId });
    expect(emulator.calls).toEqual([]);
    expect(emulator.ingestions().map((ingestion) => ingestion.arn)).toEqual([existing.PhysicalResourceId]);
  });

  test('throttling and server errors are retried until AppFabric answers', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    emulator.injectFault({ operation: 'CreateIngestion', fault: { kind: 'throttle', retryAfterSeconds: 0 } });
    emulator.injectFault({ operation: 'CreateIngestion', fault: { kind: 'status', statusCode: 503 } });

    // WHEN
    const created = await cloudFormation.create('Okta', properties);

    // THEN
    expect(created).toMatchObject({ Status: 'SUCCESS' });
    expect(emulator.callsOf('CreateIngestion').map((call) => call.statusCode)).toEqual([429, 503, 201]);
    expect(emulator.ingestions()).toHaveLength(1);
  });

  test('a validation error is not retried', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    emulator.injectFault({
      operation: 'CreateIngestion',
      fault: { kind: 'status', statusCode: 400, errorType: 'ValidationException', message: 'the app authorization is not connected' },
    });

    // WHEN
    const failed = await cloudFormation.create('Okta', properties);

    // THEN
    expect(failed).toMatchObject({
      Status: 'FAILED',
      Reason: 'AppFabric CreateIngestion failed: ValidationException: the app authorization is not connected '
        + '(connect the app authorization for this app and tenant in AppFabric before deploying the ingestion)',
    });
    expect(emulator.callsOf('CreateIngestion')).toHaveLength(1);
    expect(emulator.ingestions()).toEqual([]);
  });

  test('a hand-edited template fails with the property named, without calling AppFabric', async () => {
    // WHEN
    const failed = await cloudFormation.create('Okta', { ServiceToken: 'x', App: 'OKTA', TenantId: 'acme.okta.com' });

    // THEN
    expect(failed).toMatchObject({ Status: 'FAILED', Reason: 'property AppBundleIdentifier must be a non-empty string, got null' });
    expect(emulator.calls).toEqual([]);
  });
});

describe('update', () => {
  test('the same bundle named by UUID instead of ARN keeps the ingestion', async () => {
    // GIVEN
    const byArn = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const byUuid = propertiesOf(oktaStack(bundleArn.split('/').pop()!, 'acme.okta.com', 'secops'));
    const created = await cloudFormation.create('Okta', byArn);
    emulator.clearCalls();

    // WHEN
    const updated = await cloudFormation.update('Okta', created.PhysicalResourceId!, byUuid, byArn);

    // THEN
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(emulator.calls).toEqual([]);
  });

  test('a failed tag update reports FAILED and keeps the physical id', async () => {
    // GIVEN
    const v1 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const v2 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'ir'));
    const created = await cloudFormation.create('Okta', v1);
    emulator.injectFault({
      operation: 'TagResource', times: 3, fault: { kind: 'status', statusCode: 403, errorType: 'AccessDeniedException' },
    });

    // WHEN
    const failed = await cloudFormation.update('Okta', created.PhysicalResourceId!, v2, v1);

    // THEN
    expect(failed).toMatchObject({ Status: 'FAILED', PhysicalResourceId: created.PhysicalResourceId });
    expect(failed.Reason).toMatch(/^AppFabric TagResource failed: AccessDeniedException: .*\(the handler's role allows AppFabric actions/);
    expect(emulator.callsOf('TagResource')).toHaveLength(3);
  });
});

describe('rollback after a successful replacement, when another resource of the stack fails', () => {
  test.each([
    ['the new physical id', (_old: string, replacement: string) => replacement],
    ['the old physical id', (old: string) => old],
  ])('an Update back to the old properties sent to %s returns the old ingestion', async (_name, target) => {
    // GIVEN an ingestion replaced by one for another tenant
    const v1 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const v2 = propertiesOf(oktaStack(bundleArn, 'acme-eu.okta.com', 'secops'));
    const created = await cloudFormation.create('Okta', v1);
    const replaced = await cloudFormation.update('Okta', created.PhysicalResourceId!, v2, v1);
    expect(replaced.Status).toBe('SUCCESS');

    // WHEN CloudFormation rolls the resource back to the old properties
    const rollback = await cloudFormation.update('Okta', target(created.PhysicalResourceId!, replaced.PhysicalResourceId!), v1, v2);

    // THEN the old ingestion is the resource again, and CloudFormation's cleanup of the new one leaves only it
    expect({ status: rollback.Status, reason: rollback.Reason }).toEqual({ status: 'SUCCESS', reason: undefined });
    expect(rollback.PhysicalResourceId).toBe(created.PhysicalResourceId);
    const cleanup = await cloudFormation.delete('Okta', replaced.PhysicalResourceId!, v2);
    expect(cleanup.Status).toBe('SUCCESS');
    expect(emulator.ingestions().map((ingestion) => ingestion.arn)).toEqual([created.PhysicalResourceId]);
    expect(emulator.tagsOf(created.PhysicalResourceId!)).toEqual({ team: 'secops', source: 'okta', ...OWNED_BY_OKTA });
  });
});

describe('a rollback that fails while taking the old ingestion back', () => {
  test('leaves the old ingestion in place', async () => {
    // GIVEN an ingestion replaced by one for another tenant, and AppFabric refusing to list ingestions after retries
    const v1 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const v2 = propertiesOf(oktaStack(bundleArn, 'acme-eu.okta.com', 'secops'));
    const created = await cloudFormation.create('Okta', v1);
    const replaced = await cloudFormation.update('Okta', created.PhysicalResourceId!, v2, v1);
    emulator.injectFault({ operation: 'ListIngestions', times: 3, fault: { kind: 'status', statusCode: 403 } });

    // WHEN the rollback to the old properties fails
    const rollback = await cloudFormation.update('Okta', created.PhysicalResourceId!, v1, v2);

    // THEN the old ingestion, which CloudFormation holds, is still there
    expect(rollback).toMatchObject({ Status: 'FAILED', PhysicalResourceId: created.PhysicalResourceId });
    expect(emulator.ingestions().map((ingestion) => ingestion.arn).sort())
      .toEqual([created.PhysicalResourceId, replaced.PhysicalResourceId].sort());
  });
});

describe('a create whose answer CloudFormation never heard', () => {
  test('a later deploy takes back the ingestion this resource made', async () => {
    // GIVEN a create that succeeded in AppFabric, while CloudFormation timed out and kept no physical id
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const lost = await cloudFormation.create('Okta', properties);

    // WHEN the next deploy creates the resource again, with a new RequestId
    const again = await cloudFormation.create('Okta', properties);

    // THEN it gets the same ingestion, and no second one exists
    expect({ status: again.Status, reason: again.Reason }).toEqual({ status: 'SUCCESS', reason: undefined });
    expect(again.PhysicalResourceId).toBe(lost.PhysicalResourceId);
    expect(emulator.ingestions()).toHaveLength(1);
  });

  test('the rollback Delete for a physical id CloudFormation made up removes it', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    await cloudFormation.create('Okta', properties);

    // WHEN
    const rollback = await cloudFormation.delete('Okta', 'Okta-timed-out', properties);

    // THEN
    expect(rollback.Status).toBe('SUCCESS');
    expect(emulator.ingestions()).toEqual([]);
  });

  test('the owned ingestion is found among many pages of others', async () => {
    // GIVEN 25 other ingestions in the bundle, made before ours
    for (let i = 0; i < 25; i++) {
      await cloudFormation.create(`Other${i}`, propertiesOf(oktaStack(bundleArn, `other${i}.okta.com`, 'x')));
    }
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const lost = await cloudFormation.create('Okta', properties);

    // WHEN
    const again = await cloudFormation.create('Okta', properties);

    // THEN
    expect(again.PhysicalResourceId).toBe(lost.PhysicalResourceId);
    expect(emulator.callsOf('ListIngestions').length).toBeGreaterThanOrEqual(3);
  });
});

describe('update after the ingestion was deleted outside CloudFormation', () => {
  test('a tag update makes the ingestion again under a new physical id', async () => {
    // GIVEN an ingestion deleted behind CloudFormation's back
    const v1 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const v2 = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'ir'));
    const created = await cloudFormation.create('Okta', v1);
    await cloudFormation.delete('Okta', created.PhysicalResourceId!, v1);

    // WHEN
    const updated = await cloudFormation.update('Okta', created.PhysicalResourceId!, v2, v1);

    // THEN a new ingestion carries the new tags, and CloudFormation's cleanup of the old id succeeds
    expect({ status: updated.Status, reason: updated.Reason }).toEqual({ status: 'SUCCESS', reason: undefined });
    expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
    expect(emulator.ingestions().map((ingestion) => ingestion.arn)).toEqual([updated.PhysicalResourceId]);
    expect(emulator.tagsOf(updated.PhysicalResourceId!)).toEqual({ team: 'ir', source: 'okta', ...OWNED_BY_OKTA });
    const cleanup = await cloudFormation.delete('Okta', created.PhysicalResourceId!, v1);
    expect(cleanup.Status).toBe('SUCCESS');
    expect(emulator.ingestions()).toHaveLength(1);
  });
});

describe('delete', () => {
  test('a Delete for a resource type the handler does not serve succeeds without a call', async () => {
    // GIVEN a Create for an unknown type, which fails
    const other = new CloudFormation(lambda, responses, 'Custom::Other');
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const failed = await other.create('Other', properties);
    expect(failed).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^unsupported resource type Custom::Other/) });

    // WHEN CloudFormation rolls it back
    const rollback = await other.delete('Other', failed.PhysicalResourceId!, properties);

    // THEN
    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: failed.PhysicalResourceId });
    expect(emulator.calls).toEqual([]);
  });

  test('an ingestion already stopped is deleted', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const created = await cloudFormation.create('Okta', properties);
    emulator.setIngestionState(created.PhysicalResourceId!, 'disabled');

    // WHEN
    const deleted = await cloudFormation.delete('Okta', created.PhysicalResourceId!, properties);

    // THEN
    expect(deleted).toMatchObject({ Status: 'SUCCESS' });
    expect(emulator.ingestions()).toEqual([]);
  });

  test('an ingestion already gone counts as deleted', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const created = await cloudFormation.create('Okta', properties);
    await cloudFormation.delete('Okta', created.PhysicalResourceId!, properties);
    emulator.clearCalls();

    // WHEN
    const again = await cloudFormation.delete('Okta', created.PhysicalResourceId!, properties);

    // THEN
    expect(again).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(emulator.calls.map((call) => [call.operation, call.statusCode])).toEqual([['StopIngestion', 404]]);
  });

  test('a server error during delete is retried', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    const created = await cloudFormation.create('Okta', properties);
    emulator.injectFault({ operation: 'DeleteIngestion', fault: { kind: 'status', statusCode: 500 } });
    emulator.injectFault({ operation: 'DeleteIngestion', fault: { kind: 'reset' } });

    // WHEN
    const deleted = await cloudFormation.delete('Okta', created.PhysicalResourceId!, properties);

    // THEN
    expect({ status: deleted.Status, reason: deleted.Reason }).toEqual({ status: 'SUCCESS', reason: undefined });
    expect(emulator.ingestions()).toEqual([]);
  });
});

describe('the response and the logs', () => {
  test('the response is PUT without a content type and retried when the URL fails', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    responses.failuresToInject = 2;

    // WHEN
    const created = await cloudFormation.create('Okta', properties, 'retried-response-request');

    // THEN
    expect(created).toMatchObject({ Status: 'SUCCESS' });
    const received = responses.received.filter((entry) => entry.requestId === 'retried-response-request');
    expect(received).toHaveLength(1);
    expect(received[0].contentType ?? '').toBe('');
  });

  test('logs are one JSON object per line, without the ResponseURL or credentials', async () => {
    // GIVEN
    const properties = propertiesOf(oktaStack(bundleArn, 'acme.okta.com', 'secops'));
    lambda.logs.length = 0;

    // WHEN
    await cloudFormation.create('Okta', properties);

    // THEN
    expect(lambda.logs.length).toBeGreaterThan(0);
    const entries = lambda.logs.map((line) => JSON.parse(line));
    expect(entries).toContainEqual(expect.objectContaining({ requestType: 'Create', logicalResourceId: 'Okta', operation: 'CreateIngestion' }));
    const text = lambda.logs.join('\n');
    expect(text).not.toContain('X-Amz-Signature');
    expect(text).not.toContain('cloudformation-responses');
    expect(text).not.toContain(emulator.credentials.secretAccessKey);
    expect(text).not.toContain(emulator.credentials.accessKeyId);
  });
});
