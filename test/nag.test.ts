import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AwsSolutionsChecks as AwsSolutionsChecksV2 } from 'cdk-nag-v2';
import { IConstruct } from 'constructs';
import { AuditLogStack } from '../bin/audit-log-stack';
import { Ingestion, IngestionApp } from '../lib';
import { IngestionProvider } from '../lib/provider';

const BUNDLE_ARN = 'arn:aws:appfabric:us-east-1:111122223333:appbundle/00000000-0000-4000-8000-000000000000';
const BASIC_EXECUTION_ROLE = 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const PROVIDER = 'AppFabricIngestionProvider3b8c5e1f';

function exampleStack(app = new App()): Stack {
  return new AuditLogStack(app, 'AppFabricAuditLogs', {
    appBundleArn: BUNDLE_ARN,
    env: { account: '111122223333', region: 'us-east-1' },
  });
}

/** A stack without account and region: they stay CloudFormation pseudo parameters. */
function environmentAgnosticStack(app = new App()): Stack {
  const stack = new Stack(app, 'Agnostic');
  new Ingestion(stack, 'Okta', { appBundle: '00000000-0000-4000-8000-000000000000', app: IngestionApp.OKTA, tenantId: 'acme.okta.com' });
  return stack;
}

/** The findings acknowledged in the stack, by the path of the resource they sit on. */
function acknowledgements(stack: Stack): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        const path = construct.node.path.slice(stack.node.path.length + 1);
        result[path] = [...(result[path] ?? []), ...Object.keys(entry.data)];
      }
    }
  }
  return result;
}

/** Runs cdk-nag 2 as an aspect at synth, logging suppressed findings too, and returns its messages. */
function cdkNagV2Messages(stack: Stack): { level: string; path: string; message: string }[] {
  Aspects.of(stack).add(new AwsSolutionsChecksV2({ logIgnores: true }));
  (stack.node.root as App).synth();
  return stack.node.findAll().flatMap((construct: IConstruct) => construct.node.metadata
    .filter(entry => ['aws:cdk:info', 'aws:cdk:warning', 'aws:cdk:error'].includes(entry.type))
    .map(entry => ({
      level: entry.type.replace('aws:cdk:', ''),
      path: construct.node.path.slice(stack.node.path.length + 1),
      message: String(entry.data).trim(),
    })));
}

describe('cdk-nag AwsSolutions', () => {
  test('the example stack has no unacknowledged finding (cdk-nag 3)', () => {
    // GIVEN
    const stack = exampleStack();

    // WHEN
    const report = new AwsSolutionsChecks().validateScope(stack);

    // THEN
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('an environment-agnostic stack has no unacknowledged finding (cdk-nag 3)', () => {
    // GIVEN
    const stack = environmentAgnosticStack();

    // WHEN
    const report = new AwsSolutionsChecks().validateScope(stack);

    // THEN
    expect(report.violations).toEqual([]);
  });

  test('the library acknowledges exactly three findings, each by its exact id, with a reason', () => {
    // GIVEN
    const stack = exampleStack();

    // THEN
    expect(acknowledgements(stack)).toEqual({
      [`${PROVIDER}/Handler/ServiceRole/Resource`]: [`AwsSolutions-IAM4[${BASIC_EXECUTION_ROLE}]`],
      [`${PROVIDER}/Handler/ServiceRole/DefaultPolicy/Resource`]: [
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:appfabric:us-east-1:111122223333:appbundle/*]',
      ],
      [`${PROVIDER}/Handler/Resource`]: ['AwsSolutions-L1'],
    });
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata.filter(e => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        for (const reason of Object.values(entry.data as Record<string, string>)) {
          expect(reason.length).toBeGreaterThan(40);
        }
      }
    }
  });

  test('the environment-agnostic IAM5 acknowledgement names the pseudo parameters', () => {
    // GIVEN
    const stack = environmentAgnosticStack();

    // THEN
    expect(acknowledgements(stack)[`${PROVIDER}/Handler/ServiceRole/DefaultPolicy/Resource`]).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:appfabric:<AWS::Region>:<AWS::AccountId>:appbundle/*]',
    ]);
  });

  test('cdk-nag 2 reads the same suppressions, and each one suppresses a finding that occurs', () => {
    // GIVEN
    const stack = exampleStack();

    // WHEN
    const messages = cdkNagV2Messages(stack);

    // THEN
    expect(messages.filter(m => m.level !== 'info')).toEqual([]);
    expect(messages.filter(m => m.message.startsWith('CdkNagSuppression'))).toEqual([
      {
        level: 'info',
        path: `${PROVIDER}/Handler/ServiceRole/Resource`,
        message: `CdkNagSuppression[${BASIC_EXECUTION_ROLE}]: AwsSolutions-IAM4 was triggered but suppressed.`,
      },
      {
        level: 'info',
        path: `${PROVIDER}/Handler/ServiceRole/DefaultPolicy/Resource`,
        message: 'CdkNagSuppression[Resource::arn:<AWS::Partition>:appfabric:us-east-1:111122223333:appbundle/*]: '
          + 'AwsSolutions-IAM5 was triggered but suppressed.',
      },
      {
        level: 'info',
        path: `${PROVIDER}/Handler/Resource`,
        message: 'CdkNagSuppression: AwsSolutions-L1 was triggered but suppressed.',
      },
    ]);
  });

  test('a wildcard a user adds to the handler role is still reported', () => {
    // GIVEN
    const stack = exampleStack();

    // WHEN
    IngestionProvider.getOrCreate(stack).function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['s3:*'],
      resources: ['*'],
    }));
    const report = new AwsSolutionsChecks().validateScope(stack);

    // THEN
    expect(report.violations.map(v => v.ruleName).sort()).toEqual([
      'AwsSolutions-IAM5[Action::s3:*]',
      'AwsSolutions-IAM5[Resource::*]',
    ]);
  });
});
