import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeNagFindings } from './nag-acknowledgements';

/** Where the build writes the bundled handler; the npm package ships this folder. */
const HANDLER_BUNDLE_DIR = path.join(__dirname, '..', 'lambda-bundle');

/** The construct id of the per-stack handler, chosen so that it cannot clash with a user's ids. */
const PROVIDER_ID = 'AppFabricIngestionProvider3b8c5e1f';

/** Marks the provider, so that two copies of this library in one app still share one function per stack. */
const PROVIDER_MARKER = Symbol.for('cdk-appfabric-ingestion.IngestionProvider');

/** The AppFabric actions the handler needs, and no others. */
const APPFABRIC_ACTIONS = [
  'appfabric:CreateIngestion',
  'appfabric:ListIngestions',
  'appfabric:StartIngestion',
  'appfabric:StopIngestion',
  'appfabric:DeleteIngestion',
  'appfabric:TagResource',
  'appfabric:UntagResource',
  'appfabric:ListTagsForResource',
  'appfabric:CreateIngestionDestination',
  'appfabric:ListIngestionDestinations',
  'appfabric:GetIngestionDestination',
  'appfabric:UpdateIngestionDestination',
  'appfabric:DeleteIngestionDestination',
];

/**
 * The Lambda function that serves every AppFabric custom resource of one stack.
 *
 * One per stack, created on first use, so that a stack with fifty ingestions still has one
 * function, one role and one code asset.
 */
export class IngestionProvider extends Construct {
  /**
   * How long CloudFormation waits for the handler's answer before it fails the resource.
   */
  public static readonly SERVICE_TIMEOUT = Duration.minutes(5);

  /**
   * Returns the stack's provider, creating it on first use.
   */
  public static getOrCreate(scope: Construct): IngestionProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as (IngestionProvider & { [PROVIDER_MARKER]?: true }) | undefined;
    return existing?.[PROVIDER_MARKER] ? existing : new IngestionProvider(stack, PROVIDER_ID);
  }

  /** The ARN CloudFormation invokes for each custom resource event. */
  public readonly serviceToken: string;

  /** The handler function. */
  public readonly function: lambda.IFunction;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    Object.defineProperty(this, PROVIDER_MARKER, { value: true });

    if (!fs.existsSync(path.join(HANDLER_BUNDLE_DIR, 'index.js'))) {
      throw new Error(`the AppFabric ingestion handler bundle is missing from ${HANDLER_BUNDLE_DIR}: `
        + 'in a clone of this library run `npm run bundle` (an installed package ships it)');
    }

    const handler = new lambda.Function(this, 'Handler', {
      description: 'Creates, tags and deletes AWS AppFabric ingestions for CloudFormation',
      runtime: lambda.Runtime.NODEJS_22_X,
      code: lambda.Code.fromAsset(HANDLER_BUNDLE_DIR),
      handler: 'index.handler',
      memorySize: 256,
      timeout: Duration.minutes(3),
      initialPolicy: [
        new iam.PolicyStatement({
          actions: APPFABRIC_ACTIONS,
          // Ingestion ARNs sit below their bundle's ARN, so this covers the stack's bundles and their ingestions only.
          resources: [scope.formatArn({
            service: 'appfabric',
            resource: 'appbundle',
            resourceName: '*',
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          })],
        }),
      ],
    });

    this.function = handler;
    this.serviceToken = handler.functionArn;

    acknowledgeNagFindingsOfHandler(scope, handler);
  }

  /**
   * The properties every custom resource this provider serves starts with: where CloudFormation
   * sends its events, and how long it waits for an answer.
   */
  public serviceProperties(): Record<string, unknown> {
    return { ServiceToken: this.serviceToken, ServiceTimeout: IngestionProvider.SERVICE_TIMEOUT.toSeconds() };
  }
}

/**
 * The cdk-nag AwsSolutions findings the handler raises by design, acknowledged on the exact
 * resources and findings, so that a user who runs cdk-nag sees none for what they cannot change.
 */
function acknowledgeNagFindingsOfHandler(stack: Stack, handler: lambda.Function): void {
  const role = handler.role!.node;
  acknowledgeNagFindings(role.defaultChild as CfnResource, [{
    rule: 'AwsSolutions-IAM4',
    appliesTo: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    reason: 'AWSLambdaBasicExecutionRole grants only the CloudWatch Logs writes every Lambda function needs for its logs; '
      + 'aws-cdk-lib gives it to every function role it creates',
  }]);

  // cdk-nag shows an unresolved region or account as the pseudo parameter it references.
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  acknowledgeNagFindings(role.findChild('DefaultPolicy').node.defaultChild as CfnResource, [{
    rule: 'AwsSolutions-IAM5',
    appliesTo: `Resource::arn:<AWS::Partition>:appfabric:${region}:${account}:appbundle/*`,
    reason: 'the handler serves every ingestion of the stack, and ingestion ids exist only once created; the wildcard covers the '
      + 'app bundles of the stack\'s own account and region (AppFabric allows one) and their ingestions, for ingestion actions only',
  }]);

  acknowledgeNagFindings(handler.node.defaultChild as CfnResource, [{
    rule: 'AwsSolutions-L1',
    reason: 'the handler ships pre-bundled and tested for one Node.js runtime, which the library pins; '
      + 'it moves to a newer runtime in a release of this library, not in a user\'s app',
  }]);
}
