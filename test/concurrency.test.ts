import { Stack } from 'aws-cdk-lib';
import { Ingestion, IngestionApp } from '../lib';
import { AppFabricEmulator } from './emulator';
import { CloudFormation, LambdaRuntime, ResponseRecorder, synthesize } from './support/lambda-runtime';

jest.setTimeout(170_000);

const INGESTIONS = 50;
const REQUESTS_PER_SECOND = 5;

let emulator: AppFabricEmulator;
let responses: ResponseRecorder;

beforeAll(async () => {
  emulator = await AppFabricEmulator.start({ requestsPerSecond: REQUESTS_PER_SECOND });
  responses = await ResponseRecorder.start();
});

afterAll(async () => {
  await emulator?.stop();
  await responses?.stop();
});

test('50 ingestions created at once against 5 requests per second all succeed, none twice', async () => {
  // GIVEN a stack of 50 ingestions, the most a bundle holds, each served by its own invocation
  const bundle = emulator.createAppBundle();
  const stack = synthesize((scope: Stack) => {
    for (let i = 0; i < INGESTIONS; i++) {
      new Ingestion(scope, `Tenant${i}`, { appBundle: bundle, app: IngestionApp.SLACK, tenantId: `T${i}` });
    }
  });
  const environment = { region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.credentials };
  const cloudFormation = new CloudFormation(new LambdaRuntime(stack.handlerFile, environment), responses);

  // WHEN CloudFormation creates them all in parallel
  const answers = await Promise.all(Object.entries(stack.properties).map(([id, properties]) => cloudFormation.create(id, properties)));

  // THEN every create succeeded with its own ingestion, and AppFabric holds each tenant exactly once
  expect(answers.filter((answer) => answer.Status !== 'SUCCESS')).toEqual([]);
  expect(new Set(answers.map((answer) => answer.PhysicalResourceId)).size).toBe(INGESTIONS);
  const tenants = emulator.ingestions().map((ingestion) => ingestion.tenantId).sort();
  expect(tenants).toEqual(Array.from({ length: INGESTIONS }, (_, i) => `T${i}`).sort());
  const creates = emulator.callsOf('CreateIngestion');
  expect(creates.filter((call) => call.statusCode === 201)).toHaveLength(INGESTIONS);
  expect(creates.some((call) => call.statusCode === 429)).toBe(true);
});
