import { randomUUID } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { diffTags, TagMap } from '../lambda/tags';
import { Ingestion, IngestionApp } from '../lib';
import { AppFabricEmulator, Fault } from './emulator';
import { CloudFormation, LambdaRuntime, ResponseRecorder, synthesize } from './support/lambda-runtime';
import { StackSimulator } from './support/stack-simulator';

jest.setTimeout(240_000);

const OWNER_KEY = 'appfabric-ingestion:owner';

const tagKey = fc.constantFrom('team', 'env', 'owner', 'cost', 'a b', 'x/y', 'ключ');
const tagMap: fc.Arbitrary<TagMap> = fc.dictionary(tagKey, fc.string({ maxLength: 8 }), { maxKeys: 6 });

/** What the calls of a diff do to the tags AppFabric holds. */
function applyDiff(tags: TagMap, { toSet, toRemove }: ReturnType<typeof diffTags>): TagMap {
  const result = { ...tags };
  toRemove.forEach((key) => delete result[key]);
  toSet.forEach(({ key, value }) => result[key] = value);
  return result;
}

describe('tag updates', () => {
  test('the calls turn any old tags into any new tags exactly, and equal tags need none', () => {
    fc.assert(fc.property(tagMap, tagMap, (oldTags, newTags) => {
      const diff = diffTags(oldTags, newTags);
      expect(applyDiff(oldTags, diff)).toEqual(newTags);
      expect(diff.toRemove.every((key) => !(key in newTags))).toBe(true);
      expect(diff.toSet.every(({ key, value }) => oldTags[key] !== value)).toBe(true);
      expect(diffTags(newTags, { ...newTags })).toEqual({ toSet: [], toRemove: [] });
    }), { numRuns: 500 });
  });
});

describe('any sequence of CloudFormation events under faults', () => {
  let emulator: AppFabricEmulator;
  let responses: ResponseRecorder;
  let cloudFormation: CloudFormation;
  let versions: Array<Record<string, unknown>>;

  beforeAll(async () => {
    emulator = await AppFabricEmulator.start();
    responses = await ResponseRecorder.start();
    const bundle = emulator.createAppBundle();
    const version = (tenantId: string, tags: TagMap) => synthesize((stack: Stack) => {
      new Ingestion(stack, 'Okta', { appBundle: bundle, app: IngestionApp.OKTA, tenantId, tags });
    });
    const synthesized = [
      version('acme.okta.com', { team: 'secops' }),
      version('acme.okta.com', { team: 'ir', env: 'prod' }),
      version('acme.okta.com', {}),
      version('acme-eu.okta.com', { team: 'secops' }),
      version('acme-eu.okta.com', { env: 'dev' }),
    ];
    versions = synthesized.map((stack) => stack.properties.Okta);
    const environment = { region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.credentials };
    cloudFormation = new CloudFormation(new LambdaRuntime(synthesized[0].handlerFile, environment, 30_000), responses);
  });

  afterAll(async () => {
    await emulator?.stop();
    await responses?.stop();
  });

  interface Real {
    readonly stack: StackSimulator;
    lastCreate?: { properties: Record<string, unknown>; requestId: string; physicalResourceId?: string };
  }

  const faults: fc.Arbitrary<Fault> = fc.constantFrom<Fault>(
    { kind: 'throttle' },
    { kind: 'status', statusCode: 500 },
    { kind: 'status', statusCode: 400, message: 'refused' },
    { kind: 'status', statusCode: 409, message: 'conflict' },
    { kind: 'reset' },
    { kind: 'lose-answer' },
  );

  class Deploy implements fc.AsyncCommand<object, Real> {
    constructor(readonly version: number) {}
    check = () => true;
    async run(_model: object, real: Real) {
      const requestId = randomUUID();
      const properties = versions[this.version];
      const creating = !real.stack.physicalResourceId;
      const answer = await real.stack.deploy(properties, requestId);
      if (creating) {
        real.lastCreate = { properties, requestId, physicalResourceId: answer.PhysicalResourceId };
      }
      settle(real);
    }
    toString = () => `deploy(v${this.version})`;
  }

  class DeployAnswerLost implements fc.AsyncCommand<object, Real> {
    constructor(readonly version: number) {}
    check = () => true;
    async run(_model: object, real: Real) {
      if (!real.stack.physicalResourceId) {
        await real.stack.deployAnswerLost(versions[this.version]);
      }
      settle(real);
    }
    toString = () => `deployAnswerLost(v${this.version})`;
  }

  /** Lambda retries an invocation: the same Create, same RequestId, arrives again. */
  class RepeatCreate implements fc.AsyncCommand<object, Real> {
    check = () => true;
    async run(_model: object, real: Real) {
      const last = real.lastCreate;
      if (last && real.stack.physicalResourceId === last.physicalResourceId && last.physicalResourceId?.startsWith('arn:')) {
        // CloudFormation keeps the first answer; a repeat may fail under faults, but never makes a second ingestion.
        const again = await cloudFormation.create('Okta', last.properties, last.requestId);
        if (again.Status === 'SUCCESS') {
          expect(again.PhysicalResourceId).toBe(last.physicalResourceId);
        }
      }
      settle(real);
    }
    toString = () => 'repeatCreate';
  }

  class Destroy implements fc.AsyncCommand<object, Real> {
    check = () => true;
    async run(_model: object, real: Real) {
      await real.stack.destroy();
      settle(real);
    }
    toString = () => 'destroy';
  }

  class InjectFault implements fc.AsyncCommand<object, Real> {
    constructor(readonly fault: Fault, readonly times: number) {}
    check = () => true;
    async run() {
      emulator.injectFault({ fault: this.fault, times: this.times });
    }
    toString = () => `inject(${JSON.stringify(this.fault)} x${this.times})`;
  }

  /** After each event: the faults are spent, and the invariant holds. */
  function settle(real: Real) {
    emulator.clearFaults();
    const owned = emulator.ingestions().filter((ingestion) => emulator.tagsOf(ingestion.arn)[OWNER_KEY] === 'Lifecycle/Okta');
    expect(owned.length).toBeLessThanOrEqual(1);
    const held = real.stack.physicalResourceId;
    if (held?.startsWith('arn:')) {
      expect(owned.map((ingestion) => ingestion.arn)).toEqual([held]);
    }
  }

  test('leave at most one ingestion per resource, the one CloudFormation holds', async () => {
    const version = fc.integer({ min: 0, max: versions.length - 1 });
    const commands = fc.commands([
      version.map((v) => new Deploy(v)),
      version.map((v) => new DeployAnswerLost(v)),
      fc.constant(new RepeatCreate()),
      fc.constant(new Destroy()),
      fc.tuple(faults, fc.integer({ min: 1, max: 2 })).map(([fault, times]) => new InjectFault(fault, times)),
    ], { maxCommands: 12 });

    await fc.assert(fc.asyncProperty(commands, async (sequence) => {
      emulator.reset();
      const real: Real = { stack: new StackSimulator(cloudFormation, 'Okta') };
      await fc.asyncModelRun(() => ({ model: {}, real }), sequence);
    }), { numRuns: 60 });
  });
});
