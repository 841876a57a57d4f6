import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  DestinationTarget, Ingestion, IngestionApp, IngestionDestination, IngestionProps, ProcessingFormat, ProcessingSchema,
} from '../lib';

const ACCOUNT = '111122223333';
const BUNDLE_ARN = `arn:aws:appfabric:us-east-1:${ACCOUNT}:appbundle/1a2b3c4d-1111-4222-8333-444455556666`;
const DESTINATION_TYPE = 'Custom::AppFabricIngestionDestination';
const INGESTION_TYPE = 'Custom::AppFabricIngestion';

function newStack(region = 'us-east-1', app = new App()): Stack {
  return new Stack(app, `Stack${region.replace(/-/g, '')}`, { env: { account: ACCOUNT, region } });
}

function okta(stack: Stack, overrides: Partial<IngestionProps> = {}, id = 'Okta'): Ingestion {
  return new Ingestion(stack, id, { appBundle: BUNDLE_ARN, app: IngestionApp.OKTA, tenantId: 'acme.okta.com', ...overrides });
}

describe('enabled', () => {
  test('is left out of the template when the ingestion is enabled, the default', () => {
    const stack = newStack();
    okta(stack);
    Template.fromStack(stack).hasResourceProperties(INGESTION_TYPE, { Enabled: Match.absent() });
  });

  test('renders false when the ingestion is disabled', () => {
    const stack = newStack();
    okta(stack, { enabled: false });
    Template.fromStack(stack).hasResourceProperties(INGESTION_TYPE, { Enabled: false });
  });
});

describe('destinations', () => {
  test('an S3 bucket of the stack, with a prefix, JSON in OCSF by default', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    const ingestion = okta(stack);

    // WHEN
    ingestion.addDestination('ToS3', { destination: DestinationTarget.s3Bucket(bucket, { prefix: 'okta' }) });

    // THEN
    const template = Template.fromStack(stack);
    const ingestionId = stack.getLogicalId(ingestion.node.defaultChild as any);
    template.hasResourceProperties(DESTINATION_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('AppFabricIngestionProvider'), 'Arn'] },
      AppBundleIdentifier: { 'Fn::GetAtt': [ingestionId, 'AppBundleArn'] },
      IngestionIdentifier: { Ref: ingestionId },
      Format: 'json',
      Schema: 'ocsf',
      Destination: { S3Bucket: { BucketName: { Ref: Match.stringLikeRegexp('Logs') }, Prefix: 'okta' } },
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('a Firehose stream of the stack is tagged AWSAppFabricManaged=true', () => {
    // GIVEN
    const stack = newStack();
    const stream = new firehose.DeliveryStream(stack, 'Stream', {
      destination: new firehose.S3Bucket(new s3.Bucket(stack, 'Sink')),
    });

    // WHEN
    new IngestionDestination(stack, 'ToFirehose', {
      ingestion: okta(stack),
      destination: DestinationTarget.firehoseStream(stream),
      format: ProcessingFormat.PARQUET,
      schema: ProcessingSchema.RAW,
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties(DESTINATION_TYPE, {
      Format: 'parquet', Schema: 'raw', Destination: { FirehoseStream: { StreamName: { Ref: Match.stringLikeRegexp('Stream') } } },
    });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      Tags: Match.arrayWith([{ Key: 'AWSAppFabricManaged', Value: 'true' }]),
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('AWSAppFabricManaged'));
  });

  test('an imported Firehose stream gets a warning that it must carry the tag', () => {
    // GIVEN
    const stack = newStack();
    const stream = firehose.DeliveryStream.fromDeliveryStreamName(stack, 'Imported', 'audit-logs');

    // WHEN
    okta(stack).addDestination('ToFirehose', { destination: DestinationTarget.firehoseStream(stream) });

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stackuseast1/Okta/ToFirehose',
      Match.stringLikeRegexp('imported, so it cannot be tagged here: AppFabric writes only to streams tagged AWSAppFabricManaged=true'));
  });

  test('a bucket encrypted with a KMS key gets a warning', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs', { encryptionKey: new kms.Key(stack, 'Key') });
    okta(stack).addDestination('ToS3', { destination: DestinationTarget.s3Bucket(bucket) });
    Annotations.fromStack(stack).hasWarning('/Stackuseast1/Okta/ToS3', Match.stringLikeRegexp('encrypted with a KMS key'));
  });

  test('a bucket of another account is refused', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Elsewhere', { bucketName: 'theirs', account: '444455556666' });
    expect(() => okta(stack).addDestination('ToS3', { destination: DestinationTarget.s3Bucket(bucket) }))
      .toThrow(/destination bucket .*Elsewhere is in account 444455556666, but AppFabric writes only to buckets of its own account 111122223333/);
  });

  test('an ingestion takes at most 5 destinations', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    const ingestion = okta(stack);

    // WHEN
    for (let i = 0; i < 6; i++) {
      ingestion.addDestination(`To${i}`, { destination: DestinationTarget.s3Bucket(bucket, { prefix: `p${i}` }) });
    }

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/an ingestion takes at most 5 destinations \(AppFabric's limit\), got 6/);
  });

  test('Tags.of reaches destinations', () => {
    const stack = newStack();
    okta(stack).addDestination('ToS3', { destination: DestinationTarget.s3Bucket(new s3.Bucket(stack, 'Logs')), tags: { a: '1' } });
    Tags.of(stack).add('team', 'secops');
    Template.fromStack(stack).hasResourceProperties(DESTINATION_TYPE, { Tags: { a: '1', team: 'secops' } });
  });
});

describe('limits and regions', () => {
  test('more than 50 ingestions on one bundle in an app is a synth error', () => {
    // GIVEN two stacks of one app sharing a bundle
    const app = new App();
    const first = new Stack(app, 'First', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const second = new Stack(app, 'Second', { env: { account: ACCOUNT, region: 'us-east-1' } });

    // WHEN
    for (let i = 0; i < 51; i++) {
      okta(i % 2 === 0 ? first : second, { tenantId: `t${i}` }, `Okta${i}`);
    }

    // THEN
    expect(() => app.synth()).toThrow(/app bundle 1a2b3c4d-1111-4222-8333-444455556666 holds at most 50 ingestions \(AppFabric's limit\), this app declares 51/);
  });

  test('50 ingestions on one bundle are fine', () => {
    const stack = newStack();
    for (let i = 0; i < 50; i++) {
      okta(stack, { tenantId: `t${i}` }, `Okta${i}`);
    }
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a stack in a region without AppFabric gets one warning naming the regions', () => {
    // GIVEN
    const stack = newStack('eu-central-1');

    // WHEN
    okta(stack, { appBundle: BUNDLE_ARN.replace('us-east-1', 'eu-central-1') });
    okta(stack, { appBundle: BUNDLE_ARN.replace('us-east-1', 'eu-central-1'), tenantId: 'other' }, 'Other');

    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AppFabric runs only in'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/us-east-1, eu-west-1, ap-northeast-1; this stack deploys to eu-central-1/);
  });

  test('no warning in an AppFabric region or an environment-agnostic stack', () => {
    const stack = newStack('eu-west-1');
    okta(stack, { appBundle: BUNDLE_ARN.replace('us-east-1', 'eu-west-1') });
    const agnostic = new Stack(new App(), 'Agnostic');
    okta(agnostic);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('AppFabric runs only in'));
    Annotations.fromStack(agnostic).hasNoWarning('*', Match.stringLikeRegexp('AppFabric runs only in'));
  });
});

describe('destination checks', () => {
  const IMPORTED_ARN = `${BUNDLE_ARN}/ingestion/9f8e7d6c-5b4a-4321-8fed-cba987654321`;

  test.each([
    ['a format AppFabric does not have', { format: 'csv' }, /format must be one of json, parquet, got "csv"/],
    ['a schema in the wrong case', { schema: 'OCSF' }, /schema must be one of ocsf, raw, got "OCSF"/],
    ['no destination', { destination: undefined }, /destination must be DestinationTarget.s3Bucket\(...\) or DestinationTarget.firehoseStream\(...\), got undefined/],
  ])('rejects %s', (_name, overrides, message) => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    expect(() => okta(stack).addDestination('To', { destination: DestinationTarget.s3Bucket(bucket), ...overrides } as any)).toThrow(message);
  });

  test('rejects a prefix longer than the 120 characters AppFabric takes', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    expect(() => okta(stack).addDestination('To', { destination: DestinationTarget.s3Bucket(bucket, { prefix: 'p'.repeat(121) }) }))
      .toThrow(/prefix must be 1 to 120 characters long, got 121 characters/);
  });

  test('rejects a bucket where a delivery stream belongs', () => {
    const stack = newStack();
    expect(() => DestinationTarget.firehoseStream(new s3.Bucket(stack, 'Logs') as any))
      .toThrow(/DestinationTarget.firehoseStream needs a kinesisfirehose.IDeliveryStream/);
  });

  test('rejects enabled given as anything but a boolean', () => {
    const stack = newStack();
    expect(() => okta(stack, { enabled: 'false' as any })).toThrow(/enabled must be true or false, got "false"/);
  });

  test('counts the destinations of an imported ingestion too', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    const imported = Ingestion.fromIngestionArn(stack, 'Imported', IMPORTED_ARN);

    // WHEN
    for (let i = 0; i < 6; i++) {
      new IngestionDestination(stack, `To${i}`, { ingestion: imported, destination: DestinationTarget.s3Bucket(bucket, { prefix: `p${i}` }) });
    }

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/an ingestion takes at most 5 destinations \(AppFabric's limit\), got 6/);
  });

  test('rejects an imported ingestion of another region', () => {
    const stack = newStack();
    const imported = Ingestion.fromIngestionArn(stack, 'Imported', IMPORTED_ARN.replace('us-east-1', 'eu-west-1'));
    expect(() => new IngestionDestination(stack, 'To', { ingestion: imported, destination: DestinationTarget.s3Bucket(new s3.Bucket(stack, 'Logs')) }))
      .toThrow(/is in region eu-west-1, but the destination's stack deploys to us-east-1/);
  });

  test('a stack of destinations only, outside AppFabric\'s regions, gets the region warning', () => {
    const stack = newStack('us-west-2');
    const imported = Ingestion.fromIngestionArn(stack, 'Imported', IMPORTED_ARN.replace('us-east-1', 'us-west-2'));
    new IngestionDestination(stack, 'To', { ingestion: imported, destination: DestinationTarget.s3Bucket(new s3.Bucket(stack, 'Logs')) });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('AppFabric runs only in'));
  });
});
