import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DestinationTarget, Ingestion, IngestionApp } from '../lib';

// Deploying this test needs an AppFabric app bundle with a connected Okta authorization:
// set APPFABRIC_APP_BUNDLE_ARN and APPFABRIC_OKTA_TENANT. Offline, the committed snapshot is verified.
const appBundleArn = process.env.APPFABRIC_APP_BUNDLE_ARN
  ?? 'arn:aws:appfabric:us-east-1:111122223333:appbundle/00000000-0000-4000-8000-000000000000';
const tenantId = process.env.APPFABRIC_OKTA_TENANT ?? 'integ-test.okta.com';

const app = new App();
const stack = new Stack(app, 'AppFabricIngestionInteg');

const ingestion = new Ingestion(stack, 'OktaAuditLogs', { appBundle: appBundleArn, app: IngestionApp.OKTA, tenantId });
Tags.of(ingestion).add('purpose', 'integ-test');
const bucket = new s3.Bucket(stack, 'AuditLogs', {
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});
const destination = ingestion.addDestination('ToS3', { destination: DestinationTarget.s3Bucket(bucket, { prefix: 'integ' }) });
new CfnOutput(stack, 'IngestionArn', { value: ingestion.ingestionArn });

const integ = new IntegTest(app, 'IngestionTest', {
  testCases: [stack],
  regions: ['us-east-1'],
});

integ.assertions
  .awsApiCall('AppFabric', 'getIngestion', {
    appBundleIdentifier: ingestion.appBundleArn,
    ingestionIdentifier: ingestion.ingestionArn,
  })
  .expect(ExpectedResult.objectLike({
    ingestion: { app: 'OKTA', tenantId, state: 'enabled', ingestionType: 'auditLog' },
  }));

integ.assertions
  .awsApiCall('AppFabric', 'getIngestionDestination', {
    appBundleIdentifier: ingestion.appBundleArn,
    ingestionIdentifier: ingestion.ingestionArn,
    ingestionDestinationIdentifier: destination.ingestionDestinationArn,
  })
  .expect(ExpectedResult.objectLike({
    ingestionDestination: {
      processingConfiguration: { auditLog: { schema: 'ocsf', format: 'json' } },
      destinationConfiguration: { auditLog: { destination: { s3Bucket: { bucketName: bucket.bucketName, prefix: 'integ' } } } },
    },
  }));
