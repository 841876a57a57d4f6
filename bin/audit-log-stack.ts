import { CfnOutput, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DestinationTarget, Ingestion, IngestionApp, ProcessingFormat } from '../lib';

export interface AuditLogStackProps extends StackProps {
  /** The ARN of the account's AppFabric app bundle (one per account and region). */
  readonly appBundleArn: string;
}

/**
 * Collects the audit logs of an Okta organisation and a Microsoft 365 tenant into an S3 bucket.
 */
export class AuditLogStack extends Stack {
  constructor(scope: Construct, id: string, props: AuditLogStackProps) {
    super(scope, id, props);

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // AppFabric writes below AWSAppFabric/ with its service-linked role, which needs S3-managed encryption.
    const auditLogs = new s3.Bucket(this, 'AuditLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'audit-logs/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const okta = new Ingestion(this, 'OktaAuditLogs', {
      appBundle: props.appBundleArn,
      app: IngestionApp.OKTA,
      tenantId: 'acme.okta.com',
    });
    okta.addDestination('ToS3', { destination: DestinationTarget.s3Bucket(auditLogs, { prefix: 'okta' }) });
    Tags.of(okta).add('source', 'okta');

    const m365 = new Ingestion(this, 'M365AuditLogs', {
      appBundle: props.appBundleArn,
      app: IngestionApp.M365,
      tenantId: 'acme.onmicrosoft.com',
      tags: { source: 'm365' },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    m365.addDestination('ToS3', {
      destination: DestinationTarget.s3Bucket(auditLogs, { prefix: 'm365' }),
      format: ProcessingFormat.PARQUET,
    });

    Tags.of(this).add('team', 'secops');
    new CfnOutput(this, 'AuditLogBucket', { value: auditLogs.bucketName });
    new CfnOutput(this, 'OktaIngestionArn', { value: okta.ingestionArn });
    new CfnOutput(this, 'M365IngestionArn', { value: m365.ingestionArn });
  }
}
