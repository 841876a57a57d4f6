import { Stack, Tags } from 'aws-cdk-lib';
import { Ingestion, IngestionApp } from '../lib';
import { AppFabricEmulator, FaultInjection } from './emulator';
import { CloudFormation, LambdaRuntime, ResponseRecorder, synthesize } from './support/lambda-runtime';
import { StackSimulator } from './support/stack-simulator';

// Every fault the handler must survive, for every kind of event: the answer CloudFormation gets,
// how long it took against the function's time, and what AppFabric holds once CloudFormation
// has rolled back and the user has deployed again.

const OWNER_KEY = 'appfabric-ingestion:owner';
const OWNER = 'Lifecycle/Okta';

/** A short function timeout for the rows that test the deadline, a long one for the rest. */
const SHORT_TIMEOUT_MS = 3_000;
const LONG_TIMEOUT_MS = 60_000;

type Properties = Record<string, unknown>;

interface FaultRow {
  readonly name: string;
  readonly faults: Array<Omit<FaultInjection, 'operation'>>;
  readonly expected: 'SUCCESS' | 'FAILED';
  readonly reason?: RegExp;
  readonly timeoutMs?: number;
  /** How long an injected delay keeps a request in flight after the handler gave up. */
  readonly inFlightMs?: number;
  readonly minElapsedMs?: number;
}

const FAULTS: FaultRow[] = [
  { name: 'throttling twice', faults: [{ times: 2, fault: { kind: 'throttle' } }], expected: 'SUCCESS' },
  {
    name: 'throttling with Retry-After', faults: [{ fault: { kind: 'throttle', retryAfterSeconds: 1 } }],
    expected: 'SUCCESS', minElapsedMs: 900,
  },
  {
    name: 'a 500 then a 503',
    faults: [{ fault: { kind: 'status', statusCode: 500 } }, { fault: { kind: 'status', statusCode: 503 } }],
    expected: 'SUCCESS',
  },
  { name: 'a connection reset', faults: [{ fault: { kind: 'reset' } }], expected: 'SUCCESS' },
  { name: 'a request carried out whose answer is lost', faults: [{ fault: { kind: 'lose-answer' } }], expected: 'SUCCESS' },
  { name: 'an AccessDenied while IAM propagates', faults: [{ fault: { kind: 'status', statusCode: 403 } }], expected: 'SUCCESS' },
  {
    name: 'a ValidationException', faults: [{ fault: { kind: 'status', statusCode: 400, message: 'bad input' } }],
    expected: 'FAILED', reason: /failed: ValidationException: bad input$/,
  },
  {
    name: 'a ServiceQuotaExceededException', faults: [{ fault: { kind: 'status', statusCode: 402, message: 'quota' } }],
    expected: 'FAILED', reason: /failed: ServiceQuotaExceededException: quota$/,
  },
  {
    name: 'an AccessDenied that stays', faults: [{ times: 3, fault: { kind: 'status', statusCode: 403, message: 'no' } }],
    expected: 'FAILED', reason: /failed: AccessDeniedException: no \(the handler's role allows/,
  },
  {
    name: 'throttling that never stops', faults: [{ times: 1000, fault: { kind: 'throttle' } }],
    expected: 'FAILED', reason: /ThrottlingException: .*\(gave up after \d+ attempts: the time left/, timeoutMs: SHORT_TIMEOUT_MS,
  },
  {
    name: 'an answer slower than the time left', faults: [{ fault: { kind: 'delay', ms: 4_000 } }],
    expected: 'FAILED', reason: /failed: TimeoutError/, timeoutMs: SHORT_TIMEOUT_MS, inFlightMs: 4_000,
  },
];

jest.setTimeout(30_000);

let emulator: AppFabricEmulator;
let responses: ResponseRecorder;
let quick: CloudFormation;
let patient: CloudFormation;
let versions: { v1: Properties; tagged: Properties; moved: Properties; foreign: Properties };

interface EventRow {
  readonly name: string;
  /** Deploys what must exist before the event, without faults. */
  readonly setup: (stack: StackSimulator) => Promise<unknown>;
  readonly act: (stack: StackSimulator) => Promise<{ Status: string; Reason?: string } | undefined>;
  /** What the user does after a failure: deploy again (or delete again). */
  readonly redo: (stack: StackSimulator) => Promise<unknown>;
  /** The properties the resource has once the event succeeded; undefined when it is gone. */
  readonly target: () => Properties | undefined;
}

const EVENTS: EventRow[] = [
  {
    name: 'create',
    setup: async () => undefined,
    act: (stack) => stack.deploy(versions.v1),
    redo: (stack) => stack.deploy(versions.v1),
    target: () => versions.v1,
  },
  {
    name: 'tag update',
    setup: (stack) => stack.deploy(versions.v1),
    act: (stack) => stack.deploy(versions.tagged),
    redo: (stack) => stack.deploy(versions.tagged),
    target: () => versions.tagged,
  },
  {
    name: 'replacing update',
    setup: (stack) => stack.deploy(versions.v1),
    act: (stack) => stack.deploy(versions.moved),
    redo: (stack) => stack.deploy(versions.moved),
    target: () => versions.moved,
  },
  {
    name: 'delete',
    setup: (stack) => stack.deploy(versions.v1),
    act: (stack) => stack.destroy(),
    redo: (stack) => stack.destroy(),
    target: () => undefined,
  },
];

function oktaVersion(bundle: string, tenantId: string, tags: Record<string, string>, id = 'Okta') {
  return synthesize((stack: Stack) => {
    const ingestion = new Ingestion(stack, id, { appBundle: bundle, app: IngestionApp.OKTA, tenantId });
    Object.entries(tags).forEach(([key, value]) => Tags.of(ingestion).add(key, value));
  }).properties[id];
}

/** The live ingestions this resource owns, by the handler's owner tag. */
function ownedIngestions() {
  return emulator.ingestions().filter((ingestion) => emulator.tagsOf(ingestion.arn)[OWNER_KEY] === OWNER);
}

beforeAll(async () => {
  emulator = await AppFabricEmulator.start();
  responses = await ResponseRecorder.start();
  const bundle = emulator.createAppBundle();
  versions = {
    v1: oktaVersion(bundle, 'acme.okta.com', { team: 'secops', old: 'x' }),
    tagged: oktaVersion(bundle, 'acme.okta.com', { team: 'ir', new: 'y' }),
    moved: oktaVersion(bundle, 'acme-eu.okta.com', { team: 'secops' }),
    foreign: oktaVersion(bundle, 'foreign.okta.com', {}, 'Foreign'),
  };
  const { handlerFile } = synthesize((stack) => new Ingestion(stack, 'Any', { appBundle: bundle, app: IngestionApp.OKTA, tenantId: 't' }));
  const environment = { region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.credentials };
  quick = new CloudFormation(new LambdaRuntime(handlerFile, environment, SHORT_TIMEOUT_MS), responses);
  patient = new CloudFormation(new LambdaRuntime(handlerFile, environment, LONG_TIMEOUT_MS), responses);
});

afterAll(async () => {
  await emulator?.stop();
  await responses?.stop();
});

beforeEach(() => {
  emulator.reset();
});

describe.each(EVENTS)('$name', (event) => {
  test.each(FAULTS)('survives $name', async (row) => {
    // GIVEN the resource as it stands before the event, and someone else's ingestion in the same bundle
    const stack = new StackSimulator(patient, 'Okta');
    await event.setup(stack);
    const foreign = await new StackSimulator(patient, 'Foreign').deploy(versions.foreign);
    expect(foreign.Status).toBe('SUCCESS');
    row.faults.forEach((fault) => emulator.injectFault(fault));

    // WHEN CloudFormation sends the event while AppFabric misbehaves
    const timeoutMs = row.timeoutMs ?? LONG_TIMEOUT_MS;
    const simulator = new StackSimulator(timeoutMs === SHORT_TIMEOUT_MS ? quick : patient, 'Okta');
    Object.assign(simulator, { physicalResourceId: stack.physicalResourceId, properties: stack.properties });
    const started = Date.now();
    const answer = await event.act(simulator);
    const elapsedMs = Date.now() - started;

    // THEN CloudFormation hears back in time, with the expected outcome and a readable reason
    expect({ status: answer?.Status, reason: answer?.Reason }).toEqual({
      status: row.expected, reason: row.expected === 'FAILED' ? expect.stringMatching(row.reason!) : undefined,
    });
    expect(simulator.steps[0].elapsedMs).toBeLessThan(timeoutMs);
    expect(elapsedMs).toBeGreaterThanOrEqual(row.minElapsedMs ?? 0);

    // WHEN the faults are over and the user deploys again after a failure
    emulator.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, row.inFlightMs ?? 0));
    const final = new StackSimulator(patient, 'Okta');
    Object.assign(final, { physicalResourceId: simulator.physicalResourceId, properties: simulator.properties });
    if (answer?.Status === 'FAILED') {
      await event.redo(final);
    }

    // THEN exactly the ingestion CloudFormation holds exists, as the template says, and nothing else was touched
    const target = event.target();
    const owned = ownedIngestions();
    if (target === undefined) {
      expect(final.physicalResourceId).toBeUndefined();
      expect(owned).toEqual([]);
    } else {
      expect(owned.map((ingestion) => ingestion.arn)).toEqual([final.physicalResourceId]);
      expect(owned[0].tenantId).toBe(target.TenantId);
      expect(emulator.tagsOf(owned[0].arn)).toEqual({ ...(target.Tags as object), [OWNER_KEY]: OWNER });
    }
    expect(emulator.ingestions().map((ingestion) => ingestion.arn)).toContain(foreign.PhysicalResourceId);
  });
});
