// One synth sample, run in a fresh `node` process by bench/run.js:
//   node bench/synth-app.js <ours|native|acr> <count> <outdir>
// Declares <count> ingestions of one kind in one stack, synthesizes, and prints one JSON line:
// the time from just after aws-cdk-lib is loaded to the end of app.synth() (loading the
// construct library, building the stack and synthesizing), and the template's size.
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { App, CfnResource, Stack } = require('aws-cdk-lib');

const [kind, countArg, outdir] = process.argv.slice(2);
const count = Number(countArg);
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const BUNDLE_ARN = `arn:aws:appfabric:${REGION}:${ACCOUNT}:appbundle/1a2b3c4d-1111-4222-8333-444455556666`;

/** Each kind declares the same ingestion: Okta audit logs of tenant T<i>, no tags, in one bundle. */
const KINDS = {
  ours() {
    const { Ingestion, IngestionApp } = require('..');
    return (stack, i) => new Ingestion(stack, `Tenant${i}`, { appBundle: BUNDLE_ARN, app: IngestionApp.OKTA, tenantId: `T${i}` });
  },
  native() {
    return (stack, i) => new CfnResource(stack, `Tenant${i}`, {
      type: 'AWS::AppFabric::Ingestion',
      properties: { AppBundleArn: BUNDLE_ARN, App: 'OKTA', TenantId: `T${i}`, IngestionType: 'auditLog' },
    });
  },
  acr() {
    const cr = require('aws-cdk-lib/custom-resources');
    return (stack, i) => new cr.AwsCustomResource(stack, `Tenant${i}`, {
      onCreate: {
        service: 'AppFabric',
        action: 'CreateIngestion',
        parameters: { appBundleIdentifier: BUNDLE_ARN, app: 'OKTA', tenantId: `T${i}`, ingestionType: 'auditLog' },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('ingestion.arn'),
      },
      // One call per event: a generic resource cannot stop the ingestion before deleting it.
      onDelete: {
        service: 'AppFabric',
        action: 'DeleteIngestion',
        parameters: { appBundleIdentifier: BUNDLE_ARN, ingestionIdentifier: new cr.PhysicalResourceIdReference() },
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [`${BUNDLE_ARN}/*`, BUNDLE_ARN] }),
      installLatestAwsSdk: false,
    });
  },
  // Not an option for users: what a custom resource costs at least. The same handler bundle and
  // properties, its function made by aws-cdk-lib core's CustomResourceProvider (plain CfnResources,
  // no aws-lambda, aws-iam, aws-s3 or region-info modules) instead of lambda.Function.
  floor() {
    const { CustomResourceProvider, CustomResourceProviderRuntime, Duration, Size } = require('aws-cdk-lib');
    return (stack, i) => {
      const provider = CustomResourceProvider.getOrCreateProvider(stack, 'Custom::AppFabricIngestion', {
        codeDirectory: path.join(__dirname, '..', 'lambda-bundle'),
        runtime: CustomResourceProviderRuntime.NODEJS_22_X,
        useCfnResponseWrapper: false,
        timeout: Duration.minutes(3),
        memorySize: Size.mebibytes(256),
        policyStatements: [{
          Effect: 'Allow',
          Action: ['appfabric:CreateIngestion', 'appfabric:StopIngestion', 'appfabric:DeleteIngestion'],
          Resource: `arn:aws:appfabric:${REGION}:${ACCOUNT}:appbundle/*`,
        }],
      });
      new CfnResource(stack, `Tenant${i}`, {
        type: 'Custom::AppFabricIngestion',
        properties: {
          ServiceToken: provider.serviceToken, ServiceTimeout: 300, AppBundleIdentifier: BUNDLE_ARN, App: 'OKTA', TenantId: `T${i}`, IngestionType: 'auditLog',
        },
      });
    };
  },
};

if (!KINDS[kind] || !(count >= 1) || !outdir) {
  throw new Error(`usage: node bench/synth-app.js <${Object.keys(KINDS).join('|')}> <count> <outdir>, got ${process.argv.slice(2).join(' ')}`);
}

const started = performance.now();
const declare = KINDS[kind]();
const app = new App({ outdir });
const stack = new Stack(app, 'Bench', { env: { account: ACCOUNT, region: REGION } });
for (let i = 0; i < count; i++) {
  declare(stack, i);
}
app.synth();
const synthMs = performance.now() - started;

const template = fs.readFileSync(path.join(outdir, `${stack.artifactId}.template.json`), 'utf8');
process.stdout.write(`${JSON.stringify({
  kind,
  count,
  synthMs,
  templateBytes: Buffer.byteLength(template),
  minifiedTemplateBytes: Buffer.byteLength(JSON.stringify(JSON.parse(template))),
  resources: Object.keys(JSON.parse(template).Resources).length,
})}\n`);
