import { App, CfnParameter, Fn, NestedStack, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { Ingestion, IngestionApp, IngestionProps, IngestionType } from '../lib';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const BUNDLE_ID = '1a2b3c4d-1111-4222-8333-444455556666';
const BUNDLE_ARN = `arn:aws:appfabric:${REGION}:${ACCOUNT}:appbundle/${BUNDLE_ID}`;
const RESOURCE_TYPE = 'Custom::AppFabricIngestion';

function newStack(props: { account?: string; region?: string; tags?: Record<string, string> } = {}): Stack {
  return new Stack(new App(), 'Stack', {
    env: { account: props.account ?? ACCOUNT, region: props.region ?? REGION },
    tags: props.tags,
  });
}

function oktaProps(overrides: Partial<IngestionProps> = {}): IngestionProps {
  return { appBundle: BUNDLE_ARN, app: IngestionApp.OKTA, tenantId: 'acme.okta.com', ...overrides };
}

function manyTags(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${i}`, `value${i}`]));
}

describe('Ingestion resource', () => {
  test('renders app, tenant, bundle and the audit-log type by default', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());

    // THEN
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('AppFabricIngestionProvider'), 'Arn'] },
      AppBundleIdentifier: BUNDLE_ARN,
      App: 'OKTA',
      TenantId: 'acme.okta.com',
      IngestionType: 'auditLog',
    });
  });

  test('sets a service timeout of minutes so that a lost answer does not hold the stack for an hour', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());

    // THEN
    const [resource] = Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE));
    expect(resource.Properties.ServiceTimeout).toBeGreaterThanOrEqual(60);
    expect(resource.Properties.ServiceTimeout).toBeLessThanOrEqual(900);
  });

  test('accepts the bundle as a UUID and an explicit ingestion type', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps({ appBundle: BUNDLE_ID, ingestionType: IngestionType.AUDIT_LOG }));

    // THEN
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { AppBundleIdentifier: BUNDLE_ID, IngestionType: 'auditLog' });
  });

  test('sends an app that is not listed yet through IngestionApp.of', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'NewApp', oktaProps({ app: IngestionApp.of('SOMENEWAPP') }));

    // THEN
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, { App: 'SOMENEWAPP' });
  });

  test('offers the twelve apps CreateIngestion documents', () => {
    const names = [
      IngestionApp.SLACK, IngestionApp.ASANA, IngestionApp.JIRA, IngestionApp.M365, IngestionApp.M365AUDITLOGS, IngestionApp.ZOOM,
      IngestionApp.ZENDESK, IngestionApp.OKTA, IngestionApp.GOOGLE, IngestionApp.DROPBOX, IngestionApp.SMARTSHEET, IngestionApp.CISCO,
    ].map((app) => app.name);
    expect(names).toEqual([
      'SLACK', 'ASANA', 'JIRA', 'M365', 'M365AUDITLOGS', 'ZOOM', 'ZENDESK', 'OKTA', 'GOOGLE', 'DROPBOX', 'SMARTSHEET', 'CISCO',
    ]);
  });

  test('exposes the ARN as the physical id and the other attributes from the handler', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const ingestion = new Ingestion(stack, 'Okta', oktaProps());

    // THEN
    const logicalId = stack.getLogicalId(ingestion.node.defaultChild as any);
    expect(stack.resolve(ingestion.ingestionArn)).toEqual({ Ref: logicalId });
    expect(stack.resolve(ingestion.ingestionId)).toEqual({ 'Fn::GetAtt': [logicalId, 'Id'] });
    expect(stack.resolve(ingestion.appBundleArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'AppBundleArn'] });
    expect(stack.resolve(ingestion.ingestionState)).toEqual({ 'Fn::GetAtt': [logicalId, 'State'] });
  });
});

describe('handler provider', () => {
  test('one Lambda function serves three ingestions of a stack', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());
    new Ingestion(stack, 'Slack', oktaProps({ app: IngestionApp.SLACK, tenantId: 'T0123' }));
    new Ingestion(stack, 'Zoom', oktaProps({ app: IngestionApp.ZOOM, tenantId: 'acme' }));

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs(RESOURCE_TYPE, 3);
    const tokens = Object.values(template.findResources(RESOURCE_TYPE)).map((r) => JSON.stringify(r.Properties.ServiceToken));
    expect(new Set(tokens).size).toBe(1);
  });

  test('ingestions deep in the construct tree share the stack-level function; another stack has its own', () => {
    // GIVEN
    const stack = newStack();
    const otherStack = new Stack(stack.node.scope as App, 'Other', { env: { account: ACCOUNT, region: REGION } });

    // WHEN
    new Ingestion(new Construct(new Construct(stack, 'Level1'), 'Level2'), 'Okta', oktaProps());
    new Ingestion(stack, 'Slack', oktaProps({ app: IngestionApp.SLACK }));
    new Ingestion(otherStack, 'Zoom', oktaProps({ app: IngestionApp.ZOOM }));

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
    Template.fromStack(otherStack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('runs on Node.js 22 with the bundled handler', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Handler: 'index.handler' });
  });

  test('grants the AppFabric actions on the app bundles of the stack account and region only', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: [
            'appfabric:CreateIngestion', 'appfabric:ListIngestions', 'appfabric:StartIngestion', 'appfabric:StopIngestion',
            'appfabric:DeleteIngestion', 'appfabric:TagResource', 'appfabric:UntagResource', 'appfabric:ListTagsForResource',
            'appfabric:CreateIngestionDestination', 'appfabric:ListIngestionDestinations', 'appfabric:GetIngestionDestination',
            'appfabric:UpdateIngestionDestination', 'appfabric:DeleteIngestionDestination',
          ],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:appfabric:${REGION}:${ACCOUNT}:appbundle/*`]] },
        }],
      },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    expect(statements.filter((statement) => statement.Resource === '*')).toEqual([]);
  });
});

/** The Tags property of the stack's only ingestion, compared whole so that extra tags fail the test. */
function renderedTags(stack: Stack): unknown {
  const resources = Object.values(Template.fromStack(stack).findResources(RESOURCE_TYPE));
  expect(resources).toHaveLength(1);
  return resources[0].Properties.Tags;
}

describe('tags', () => {
  test('takes tags from Tags.of on the stack and on the ingestion, and from the tags prop', () => {
    // GIVEN
    const stack = newStack();
    const ingestion = new Ingestion(stack, 'Okta', oktaProps({ tags: { owner: 'secops', shared: 'from-prop' } }));

    // WHEN
    Tags.of(stack).add('team', 'security');
    Tags.of(ingestion).add('source', 'okta');

    // THEN
    expect(renderedTags(stack)).toEqual({ owner: 'secops', shared: 'from-prop', team: 'security', source: 'okta' });
  });

  test('includes the stack tags set in StackProps, the ingestion winning a clash', () => {
    // GIVEN
    const stack = newStack({ tags: { costCenter: '42', source: 'stack', owner: 'platform' } });

    // WHEN
    const ingestion = new Ingestion(stack, 'Okta', oktaProps({ tags: { owner: 'secops' } }));
    Tags.of(ingestion).add('source', 'okta');

    // THEN
    expect(renderedTags(stack)).toEqual({ costCenter: '42', source: 'okta', owner: 'secops' });
  });

  test('includes the StackProps tags of the parent of a nested stack', () => {
    // GIVEN
    const parent = newStack({ tags: { env: 'prod', level: 'parent' } });
    const nested = new NestedStack(parent, 'Nested');

    // WHEN
    new Ingestion(nested, 'Okta', oktaProps());

    // THEN
    expect(renderedTags(nested)).toEqual({ env: 'prod', level: 'parent' });
  });

  test('never sends keys reserved by AWS, whatever their case', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps({ tags: { 'aws:cloudformation:stack-name': 'x', 'AWS:Other': 'y', 'keep': 'yes' } }));

    // THEN
    expect(renderedTags(stack)).toEqual({ keep: 'yes' });
  });

  test('honours Tags.of(...).remove, also of a StackProps tag', () => {
    // GIVEN
    const stack = newStack({ tags: { fromStack: 'x' } });
    const ingestion = new Ingestion(stack, 'Okta', oktaProps({ tags: { drop: 'me', keep: 'me' } }));
    Tags.of(stack).add('team', 'secops');

    // WHEN
    Tags.of(ingestion).remove('drop');
    Tags.of(ingestion).remove('team');
    Tags.of(ingestion).remove('fromStack');

    // THEN
    expect(renderedTags(stack)).toEqual({ keep: 'me' });
  });

  test('honours excludeResourceTypes on the app and the stack', () => {
    // GIVEN
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps({ tags: { keep: 'me' } }));

    // WHEN
    Tags.of(stack.node.scope!).add('appWide', 'x', { excludeResourceTypes: [RESOURCE_TYPE] });
    Tags.of(stack).add('stackWide', 'x', { excludeResourceTypes: [RESOURCE_TYPE] });
    Tags.of(stack).add('included', 'y');

    // THEN
    expect(renderedTags(stack)).toEqual({ keep: 'me', included: 'y' });
  });

  test('renders no Tags property when there are no tags', () => {
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps());
    expect(renderedTags(stack)).toBeUndefined();
  });
});

describe('removal policy', () => {
  test('deletes the ingestion by default', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());

    // THEN
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('retains the ingestion when asked', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps({ removalPolicy: RemovalPolicy.RETAIN }));

    // THEN
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('applyRemovalPolicy works on the construct, as on other L2s', () => {
    // GIVEN
    const stack = newStack();
    const ingestion = new Ingestion(stack, 'Okta', oktaProps());

    // WHEN
    ingestion.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // THEN
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'Retain' });
  });

  test('keeps the ingestion on delete but not on a failed create with RETAIN_ON_UPDATE_OR_DELETE', () => {
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }));
    Template.fromStack(stack).hasResource(RESOURCE_TYPE, { DeletionPolicy: 'RetainExceptOnCreate' });
  });

  test('rejects SNAPSHOT, which an ingestion cannot honour', () => {
    const stack = newStack();
    expect(() => new Ingestion(stack, 'Okta', oktaProps({ removalPolicy: RemovalPolicy.SNAPSHOT }))).toThrow(
      /removalPolicy must be RemovalPolicy.DESTROY, RemovalPolicy.RETAIN or RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, got RemovalPolicy.SNAPSHOT/,
    );
  });

  test('rejects SNAPSHOT given later through applyRemovalPolicy', () => {
    const stack = newStack();
    const ingestion = new Ingestion(stack, 'Okta', oktaProps());
    expect(() => ingestion.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/got RemovalPolicy.SNAPSHOT/);
  });
});

describe('synth-time validation', () => {
  test.each([
    ['an empty tenantId', { tenantId: '' }, /tenantId must be 1 to 1024 characters long, got 0 characters: ""/],
    ['a tenantId of 1025 characters', { tenantId: 't'.repeat(1025) }, /tenantId must be 1 to 1024 characters long, got 1025 characters/],
    ['an empty app', { app: IngestionApp.of('') }, /app must be 1 to 255 characters long, got 0 characters/],
    ['an app of 256 characters', { app: IngestionApp.of('A'.repeat(256)) }, /app must be 1 to 255 characters long, got 256 characters/],
    ['a bundle that is neither ARN nor UUID', { appBundle: 'my-bundle' },
      /appBundle must be an app bundle ARN \(arn:<partition>:appfabric:<region>:<account>:appbundle\/<uuid>\) or the bundle's lowercase UUID, got "my-bundle"/],
    ['an ARN of another service', { appBundle: `arn:aws:s3:::${BUNDLE_ID}` }, /appBundle must be an app bundle ARN .*got "arn:aws:s3:::/],
    ['an uppercase UUID', { appBundle: BUNDLE_ID.toUpperCase() }, /AppFabric takes the UUID in lowercase/],
    ['an uppercase UUID inside an ARN', { appBundle: BUNDLE_ARN.replace(BUNDLE_ID, BUNDLE_ID.toUpperCase()) },
      new RegExp(`got "${BUNDLE_ARN.replace(BUNDLE_ID, BUNDLE_ID.toUpperCase())}" \\(AppFabric takes the UUID in lowercase\\)`)],
    ['an ingestion ARN', { appBundle: `${BUNDLE_ARN}/ingestion/${BUNDLE_ID}` },
      new RegExp(`appBundle must be an app bundle, got the ingestion ARN "${BUNDLE_ARN}/ingestion/${BUNDLE_ID}": its bundle is ${BUNDLE_ARN}`)],
    ['an ingestion type AppFabric does not have', { ingestionType: 'bogus' as IngestionType }, /ingestionType must be one of auditLog, got "bogus"/],
    ['a bundle in another region', { appBundle: BUNDLE_ARN.replace(REGION, 'eu-west-1') },
      /appBundle is in region eu-west-1 but the stack deploys to us-east-1/],
    ['a bundle in another account', { appBundle: BUNDLE_ARN.replace(ACCOUNT, '444455556666') },
      /appBundle belongs to account 444455556666 but the stack deploys to 111122223333/],
  ])('rejects %s, naming the field and the value', (_name, overrides, message) => {
    const stack = newStack();
    expect(() => new Ingestion(stack, 'Okta', oktaProps(overrides as Partial<IngestionProps>))).toThrow(message);
  });

  test('counts characters as AppFabric does, not UTF-16 units', () => {
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps({ tags: { emoji: '\u{1F600}'.repeat(256) } }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test.each([
    ['app', { app: undefined }, /app must be an IngestionApp \(IngestionApp.OKTA, IngestionApp.of\('NAME'\), ...\), got undefined/],
    ['tenantId', { tenantId: 12345 }, /tenantId must be a string of 1 to 1024 characters, got 12345/],
    ['appBundle', { appBundle: undefined }, /appBundle must be an app bundle ARN or UUID string, got undefined/],
  ])('tells a JavaScript caller that %s has the wrong type', (_name, overrides, message) => {
    const stack = newStack();
    expect(() => new Ingestion(stack, 'Okta', oktaProps(overrides as unknown as Partial<IngestionProps>))).toThrow(message);
  });

  test('rejects two ingestions of the same app and tenant in one bundle, however the bundle is named', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new Ingestion(stack, 'Okta', oktaProps());
    new Ingestion(stack, 'OktaAgain', oktaProps({ appBundle: BUNDLE_ID }));

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /ingestion Stack\/OktaAgain has the same app bundle, app and tenantId; AppFabric allows one ingestion per app and tenant in a bundle/,
    );
  });

  test('accepts the same app for different tenants', () => {
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps());
    new Ingestion(stack, 'OktaEu', oktaProps({ tenantId: 'acme-eu.okta.com' }));
    expect(Object.keys(Template.fromStack(stack).findResources(RESOURCE_TYPE))).toHaveLength(2);
  });

  test('names the construct path in the error', () => {
    const stack = newStack();
    expect(() => new Ingestion(stack, 'Okta', oktaProps({ tenantId: '' }))).toThrow(/invalid Ingestion Stack\/Okta:/);
  });

  test('accepts a bundle ARN of any region when the stack is environment-agnostic', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new Ingestion(stack, 'Okta', oktaProps({ appBundle: BUNDLE_ARN.replace(REGION, 'eu-west-1') }))).not.toThrow();
  });

  test.each([
    ['more than 49 tags', manyTags(50),
      /tags must number at most 49 \(AppFabric allows 50 and the handler adds its own tag appfabric-ingestion:owner\), got 50/],
    ['the handler\'s own tag', { 'appfabric-ingestion:owner': 'me' }, /tag key appfabric-ingestion:owner is reserved/],
    ['a tag key of 129 characters', { ['k'.repeat(129)]: 'v' }, /tag key must be 1 to 128 characters long, got 129 characters/],
    ['a tag value of 257 characters', { long: 'v'.repeat(257) }, /value of tag "long" must be 0 to 256 characters long, got 257 characters/],
  ])('rejects %s at synth time', (_name, tags, message) => {
    // GIVEN
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps({ tags }));

    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(message);
  });

  test('counts tags added by Tags.of against the limit', () => {
    // GIVEN
    const stack = newStack();
    new Ingestion(stack, 'Okta', oktaProps({ tags: manyTags(49) }));

    // WHEN
    Tags.of(stack).add('oneTooMany', 'x');

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/got 50/);
  });

  test('accepts 49 tags with keys of 128 and values of 256 characters', () => {
    const stack = newStack();
    const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`${i}`.padStart(128, 'k'), 'v'.repeat(256)]));
    new Ingestion(stack, 'Okta', oktaProps({ tags }));
    expect(Object.keys(Template.fromStack(stack).findResources(RESOURCE_TYPE))).toHaveLength(1);
  });

  test('never rejects unresolved tokens', () => {
    // GIVEN
    const stack = newStack();
    const bundle = new CfnParameter(stack, 'Bundle').valueAsString;
    const tenant = new CfnParameter(stack, 'Tenant').valueAsString;
    const app = Fn.importValue('SomeApp');

    // WHEN
    const ingestion = new Ingestion(stack, 'Okta', { appBundle: bundle, app: IngestionApp.of(app), tenantId: tenant });
    Tags.of(ingestion).add('build', Token.asString({ Ref: 'AWS::StackName' }));

    // THEN
    Template.fromStack(stack).hasResourceProperties(RESOURCE_TYPE, {
      AppBundleIdentifier: { Ref: 'Bundle' },
      TenantId: { Ref: 'Tenant' },
      App: { 'Fn::ImportValue': 'SomeApp' },
      Tags: { build: { Ref: 'AWS::StackName' } },
    });
  });
});

describe('importing', () => {
  const INGESTION_ID = '9f8e7d6c-5b4a-4321-8fed-cba987654321';
  const INGESTION_ARN = `${BUNDLE_ARN}/ingestion/${INGESTION_ID}`;

  test('fromIngestionArn derives the id and the bundle ARN', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const imported = Ingestion.fromIngestionArn(stack, 'Imported', INGESTION_ARN);

    // THEN
    expect(imported.ingestionArn).toBe(INGESTION_ARN);
    expect(imported.ingestionId).toBe(INGESTION_ID);
    expect(imported.appBundleArn).toBe(BUNDLE_ARN);
    expect(imported.env).toEqual({ account: ACCOUNT, region: REGION });
  });

  test('fromIngestionAttributes accepts a token', () => {
    // GIVEN
    const stack = newStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;

    // WHEN
    const imported = Ingestion.fromIngestionAttributes(stack, 'Imported', { ingestionArn: arn });

    // THEN
    expect(stack.resolve(imported.ingestionId)).toEqual({ 'Fn::Select': [3, { 'Fn::Split': ['/', { Ref: 'Arn' }] }] });
  });

  test.each([BUNDLE_ARN, `${BUNDLE_ARN}/ingestion/-`, `${BUNDLE_ARN.replace(BUNDLE_ID, '-')}/ingestion/${INGESTION_ID}`])(
    'rejects %s, which is not an ingestion ARN, showing it whole', (arn) => {
      const stack = newStack();
      expect(() => Ingestion.fromIngestionArn(stack, 'Imported', arn)).toThrow(
        'ingestionArn must be an AppFabric ingestion ARN (arn:<partition>:appfabric:<region>:<account>:appbundle/<uuid>/ingestion/<uuid>), '
        + `got "${arn}"`,
      );
    });
});
