import { CfnOutput, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Ingestion, IngestionApp } from '../lib';

export interface AuditLogStackProps extends StackProps {
  /** The ARN of the account's AppFabric app bundle (one per account and region). */
  readonly appBundleArn: string;
}

/**
 * Collects the audit logs of an Okta organisation and a Microsoft 365 tenant.
 */
export class AuditLogStack extends Stack {
  constructor(scope: Construct, id: string, props: AuditLogStackProps) {
    super(scope, id, props);

    const okta = new Ingestion(this, 'OktaAuditLogs', {
      appBundle: props.appBundleArn,
      app: IngestionApp.OKTA,
      tenantId: 'acme.okta.com',
    });
    Tags.of(okta).add('source', 'okta');

    const m365 = new Ingestion(this, 'M365AuditLogs', {
      appBundle: props.appBundleArn,
      app: IngestionApp.M365,
      tenantId: 'acme.onmicrosoft.com',
      tags: { source: 'm365' },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Tags.of(this).add('team', 'secops');
    new CfnOutput(this, 'OktaIngestionArn', { value: okta.ingestionArn });
    new CfnOutput(this, 'M365IngestionArn', { value: m365.ingestionArn });
  }
}
