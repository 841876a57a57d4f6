import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DestinationTarget, Ingestion, IngestionApp, ProcessingFormat, ProcessingSchema } from '../lib';
import { AppFabricEmulator } from './emulator';
import { CloudFormation, LambdaRuntime, ResponseRecorder, synthesize } from './support/lambda-runtime';

// The handler as Lambda runs it, for what turns an ingestion into a working pipeline: starting and
// stopping it in place, and its destinations through create, in-place update, replacement and delete.

const UUID = '[a-f0-9-]{36}';
const DESTINATION_ARN = new RegExp(`^arn:aws:appfabric:us-east-1:111122223333:appbundle/${UUID}/ingestion/${UUID}/ingestiondestination/${UUID}$`);

let emulator: AppFabricEmulator;
let responses: ResponseRecorder;
let ingestions: CloudFormation;
let destinations: CloudFormation;
let bundleArn: string;

interface Version {
  readonly tenantId?: string;
  readonly enabled?: boolean;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly format?: ProcessingFormat;
}

/** The ingestion's and the destination's properties, as one version of a user's stack renders them. */
function version(v: Version = {}) {
  const { properties } = synthesize((stack: Stack) => {
    const ingestion = new Ingestion(stack, 'Okta', {
      appBundle: bundleArn, app: IngestionApp.OKTA, tenantId: v.tenantId ?? 'acme.okta.com', enabled: v.enabled,
    });
    const bucket = s3.Bucket.fromBucketName(stack, 'Logs', v.bucket ?? 'audit-logs');
    ingestion.addDestination('ToS3', {
      destination: DestinationTarget.s3Bucket(bucket, { prefix: v.prefix }), format: v.format, schema: ProcessingSchema.OCSF,
    });
  });
  return { ingestion: properties.Okta, destination: properties.ToS3 };
}

/** What CloudFormation resolves before sending the destination's properties: the ingestion's ARN and bundle. */
function resolved(destination: Record<string, unknown>, ingestionArn: string) {
  return { ...destination, IngestionIdentifier: ingestionArn, AppBundleIdentifier: bundleArn };
}

beforeAll(async () => {
  emulator = await AppFabricEmulator.start();
  responses = await ResponseRecorder.start();
  bundleArn = emulator.createAppBundle();
  const { handlerFile } = synthesize((stack) => new Ingestion(stack, 'Any', { appBundle: bundleArn, app: IngestionApp.OKTA, tenantId: 't' }));
  const lambda = new LambdaRuntime(handlerFile, { region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.credentials });
  ingestions = new CloudFormation(lambda, responses);
  destinations = new CloudFormation(lambda, responses, 'Custom::AppFabricIngestionDestination');
});

afterAll(async () => {
  await emulator?.stop();
  await responses?.stop();
});

beforeEach(() => {
  emulator.reset();
  bundleArn = emulator.createAppBundle();
});

describe('enabled', () => {
  test('a disabled ingestion is stopped after it is made, and its State says so', async () => {
    // WHEN
    const created = await ingestions.create('Okta', version({ enabled: false }).ingestion);

    // THEN
    expect(created).toMatchObject({ Status: 'SUCCESS', Data: { State: 'disabled' } });
    expect(emulator.ingestions()).toEqual([expect.objectContaining({ arn: created.PhysicalResourceId, state: 'disabled' })]);
    expect(emulator.calls.map((call) => call.operation)).toEqual(['CreateIngestion', 'StopIngestion']);
  });

  test('toggling enabled stops and starts the same ingestion in place', async () => {
    // GIVEN
    const on = version().ingestion;
    const off = version({ enabled: false }).ingestion;
    const created = await ingestions.create('Okta', on);
    const arn = created.PhysicalResourceId!;
    emulator.clearCalls();

    // WHEN
    const stopped = await ingestions.update('Okta', arn, off, on);
    const stateAfterStop = emulator.ingestions()[0].state;
    const started = await ingestions.update('Okta', arn, on, off);

    // THEN
    expect(stopped).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn, Data: { State: 'disabled' } });
    expect(stateAfterStop).toBe('disabled');
    expect(started).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn, Data: { State: 'enabled' } });
    expect(emulator.ingestions()).toEqual([expect.objectContaining({ arn, state: 'enabled' })]);
    expect(emulator.calls.map((call) => call.operation)).toEqual(['StopIngestion', 'StartIngestion']);
  });

  test('an ingestion already in the wanted state is fine', async () => {
    // GIVEN an ingestion stopped outside CloudFormation
    const on = version().ingestion;
    const off = version({ enabled: false }).ingestion;
    const created = await ingestions.create('Okta', on);
    emulator.setIngestionState(created.PhysicalResourceId!, 'disabled');

    // WHEN
    const updated = await ingestions.update('Okta', created.PhysicalResourceId!, off, on);

    // THEN
    expect(updated).toMatchObject({ Status: 'SUCCESS', Data: { State: 'disabled' } });
  });

  test('"false" as CloudFormation sends it is read as false', async () => {
    const created = await ingestions.create('Okta', { ...version().ingestion, Enabled: 'false' });
    expect(created).toMatchObject({ Status: 'SUCCESS', Data: { State: 'disabled' } });
  });
});

describe('destinations', () => {
  test('create, in-place update, replacement and delete, then the ingestion goes', async () => {
    // GIVEN an ingestion
    const v1 = version({ bucket: 'audit-logs', prefix: 'okta' });
    const ingestion = await ingestions.create('Okta', v1.ingestion);
    const ingestionArn = ingestion.PhysicalResourceId!;

    // WHEN its destination is created
    const created = await destinations.create('ToS3', resolved(v1.destination, ingestionArn));

    // THEN AppFabric holds it with the template's configuration
    expect(created.Status).toBe('SUCCESS');
    expect(created.PhysicalResourceId).toMatch(DESTINATION_ARN);
    expect(created.Data).toEqual({ Arn: created.PhysicalResourceId });
    expect(emulator.destinations(ingestionArn)).toEqual([expect.objectContaining({
      arn: created.PhysicalResourceId,
      processingConfiguration: { auditLog: { schema: 'ocsf', format: 'json' } },
      destinationConfiguration: { auditLog: { destination: { s3Bucket: { bucketName: 'audit-logs', prefix: 'okta' } } } },
    })]);

    // WHEN the bucket changes, which AppFabric updates in place
    const v2 = version({ bucket: 'other-logs', prefix: 'okta' });
    emulator.clearCalls();
    const moved = await destinations.update('ToS3', created.PhysicalResourceId!,
      resolved(v2.destination, ingestionArn), resolved(v1.destination, ingestionArn));

    // THEN the same destination points at the new bucket
    expect(moved).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: created.PhysicalResourceId });
    expect(emulator.calls.map((call) => call.operation)).toEqual(['UpdateIngestionDestination']);
    expect(emulator.destinations(ingestionArn)[0].destinationConfiguration)
      .toEqual({ auditLog: { destination: { s3Bucket: { bucketName: 'other-logs', prefix: 'okta' } } } });

    // WHEN the format changes, which AppFabric cannot update
    const v3 = version({ bucket: 'other-logs', prefix: 'okta', format: ProcessingFormat.PARQUET });
    const replaced = await destinations.update('ToS3', created.PhysicalResourceId!,
      resolved(v3.destination, ingestionArn), resolved(v2.destination, ingestionArn));

    // THEN a new destination is made, and CloudFormation's cleanup removes the old one
    expect(replaced.Status).toBe('SUCCESS');
    expect(replaced.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
    const cleanup = await destinations.delete('ToS3', created.PhysicalResourceId!, resolved(v2.destination, ingestionArn));
    expect(cleanup.Status).toBe('SUCCESS');
    expect(emulator.destinations(ingestionArn).map((destination) => destination.arn)).toEqual([replaced.PhysicalResourceId]);

    // WHEN the stack is deleted: CloudFormation deletes the destination before the ingestion it depends on
    const destinationGone = await destinations.delete('ToS3', replaced.PhysicalResourceId!, resolved(v3.destination, ingestionArn));
    const ingestionGone = await ingestions.delete('Okta', ingestionArn, v3.ingestion);

    // THEN nothing is left
    expect([destinationGone.Status, ingestionGone.Status]).toEqual(['SUCCESS', 'SUCCESS']);
    expect(emulator.destinations()).toEqual([]);
    expect(emulator.ingestions()).toEqual([]);
  });

  test('a destination follows its ingestion when the ingestion is replaced', async () => {
    // GIVEN an ingestion with a destination
    const v1 = version();
    const old = await ingestions.create('Okta', v1.ingestion);
    const oldDestination = await destinations.create('ToS3', resolved(v1.destination, old.PhysicalResourceId!));

    // WHEN the tenant changes: the ingestion is replaced, then the destination gets the new ingestion's ARN
    const v2 = version({ tenantId: 'acme-eu.okta.com' });
    const replaced = await ingestions.update('Okta', old.PhysicalResourceId!, v2.ingestion, v1.ingestion);
    const moved = await destinations.update('ToS3', oldDestination.PhysicalResourceId!,
      resolved(v2.destination, replaced.PhysicalResourceId!), resolved(v1.destination, old.PhysicalResourceId!));
    // CloudFormation's cleanup: the old destination, then the old ingestion
    const cleanups = [
      await destinations.delete('ToS3', oldDestination.PhysicalResourceId!, resolved(v1.destination, old.PhysicalResourceId!)),
      await ingestions.delete('Okta', old.PhysicalResourceId!, v1.ingestion),
    ];

    // THEN the new ingestion has a new destination, and the old pair is gone
    expect(moved.Status).toBe('SUCCESS');
    expect(moved.PhysicalResourceId).not.toBe(oldDestination.PhysicalResourceId);
    expect(cleanups.map((answer) => answer.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(emulator.ingestions().map((ingestion) => ingestion.arn)).toEqual([replaced.PhysicalResourceId]);
    expect(emulator.destinations().map((destination) => destination.ingestionArn)).toEqual([replaced.PhysicalResourceId]);
  });

  test('a destination already gone counts as deleted, and a failed create leaves nothing to delete', async () => {
    // GIVEN
    const v1 = version();
    const ingestion = await ingestions.create('Okta', v1.ingestion);
    const properties = resolved(v1.destination, ingestion.PhysicalResourceId!);
    const created = await destinations.create('ToS3', properties);
    await destinations.delete('ToS3', created.PhysicalResourceId!, properties);
    emulator.injectFault({ operation: 'CreateIngestionDestination', fault: { kind: 'status', statusCode: 400, message: 'no' } });

    // WHEN
    const again = await destinations.delete('ToS3', created.PhysicalResourceId!, properties);
    const failed = await destinations.create('ToS3', properties);
    emulator.clearCalls();
    const rollback = await destinations.delete('ToS3', failed.PhysicalResourceId!, properties);

    // THEN
    expect(again.Status).toBe('SUCCESS');
    expect(failed).toMatchObject({ Status: 'FAILED', Reason: 'AppFabric CreateIngestionDestination failed: ValidationException: no' });
    expect(rollback.Status).toBe('SUCCESS');
    expect(emulator.calls).toEqual([]);
  });

  test('a rollback after a replaced destination returns the old one, leaving no second destination', async () => {
    // GIVEN a destination replaced because its schema changed
    const v1 = version();
    const ingestion = await ingestions.create('Okta', v1.ingestion);
    const arn = ingestion.PhysicalResourceId!;
    const raw = { ...resolved(v1.destination, arn), Schema: 'raw' };
    const first = await destinations.create('ToS3', resolved(v1.destination, arn));
    const second = await destinations.update('ToS3', first.PhysicalResourceId!, raw, resolved(v1.destination, arn));
    expect(second.PhysicalResourceId).not.toBe(first.PhysicalResourceId);

    // WHEN another resource fails and CloudFormation rolls back: the old properties go to the new physical id
    const rollback = await destinations.update('ToS3', second.PhysicalResourceId!, resolved(v1.destination, arn), raw);
    const cleanup = await destinations.delete('ToS3', second.PhysicalResourceId!, raw);

    // THEN the first destination is the resource again, and it is the only one
    expect(rollback).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: first.PhysicalResourceId });
    expect(cleanup.Status).toBe('SUCCESS');
    expect(emulator.destinations(arn).map((destination) => destination.arn)).toEqual([first.PhysicalResourceId]);
  });

  test('a destination deleted outside CloudFormation is made again on its next update', async () => {
    // GIVEN
    const v1 = version({ prefix: 'a' });
    const v2 = version({ prefix: 'b' });
    const ingestion = await ingestions.create('Okta', v1.ingestion);
    const arn = ingestion.PhysicalResourceId!;
    const created = await destinations.create('ToS3', resolved(v1.destination, arn));
    await destinations.delete('ToS3', created.PhysicalResourceId!, resolved(v1.destination, arn));

    // WHEN
    const updated = await destinations.update('ToS3', created.PhysicalResourceId!, resolved(v2.destination, arn), resolved(v1.destination, arn));

    // THEN
    expect(updated.Status).toBe('SUCCESS');
    expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
    expect(emulator.destinations(arn)).toEqual([expect.objectContaining({ arn: updated.PhysicalResourceId })]);
  });

  test('deleting an ingestion that keeps a destination made elsewhere fails with a hint and leaves it running', async () => {
    // GIVEN an ingestion with a destination CloudFormation does not manage
    const v1 = version();
    const ingestion = await ingestions.create('Okta', v1.ingestion);
    await destinations.create('MadeElsewhere', resolved(v1.destination, ingestion.PhysicalResourceId!));

    // WHEN
    const failed = await ingestions.delete('Okta', ingestion.PhysicalResourceId!, v1.ingestion);

    // THEN
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toMatch(/DeleteIngestion failed: ConflictException: .*\(AppFabric deletes an ingestion only once it has no destinations: /);
    expect(failed.Reason).toMatch(/the ingestion was started again\)$/);
    expect(emulator.ingestions()).toEqual([expect.objectContaining({ arn: ingestion.PhysicalResourceId, state: 'enabled' })]);
  }, 20_000);

  test('an empty prefix, as a parameter with an empty default gives, is no prefix', async () => {
    const v1 = version();
    const ingestion = await ingestions.create('Okta', v1.ingestion);
    const properties = resolved(v1.destination, ingestion.PhysicalResourceId!);
    const created = await destinations.create('ToS3', { ...properties, Destination: { S3Bucket: { BucketName: 'audit-logs', Prefix: '' } } });
    expect(created.Status).toBe('SUCCESS');
    expect(emulator.destinations()[0].destinationConfiguration).toEqual({ auditLog: { destination: { s3Bucket: { bucketName: 'audit-logs' } } } });
  });

  test('a hand-edited destination fails with the property named', async () => {
    const failed = await destinations.create('ToS3', { ServiceToken: 'x', AppBundleIdentifier: bundleArn, IngestionIdentifier: 'a',
      Schema: 'ocsf', Format: 'json', Destination: { S3Bucket: { BucketName: 'b' }, FirehoseStream: { StreamName: 's' } } });
    expect(failed).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^property Destination must hold exactly one of S3Bucket or FirehoseStream/) });
  });
});
