// The handler's side of the benchmark, run by bench/run.js through ts-node (the emulator and the
// Lambda harness are TypeScript):
//   node -r ts-node/register bench/handler-runs.ts <result.json> <event runs> <burst runs>
// (with TS_NODE_TRANSPILE_ONLY=true).
// 1. AppFabric calls per CloudFormation event, counted at the emulator, through one resource's life.
// 2. 50 creates fired at once against the emulator limited to 5 requests per second, the handler
//    running in a process of its own (bench/handler-host.js) so that its memory can be measured.
// Results go to <result.json>: the harness takes over standard output to collect handler logs.
import { spawn } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack, Tags } from 'aws-cdk-lib';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { Ingestion, IngestionApp } from '../lib';
import { AppFabricEmulator, type EmulatorCall } from '../test/emulator';
import { CloudFormation, LambdaRuntime, RESOURCE_TYPE, ResponseRecorder, STACK_ID, synthesize } from '../test/support/lambda-runtime';

const INGESTIONS = 50;
const REQUESTS_PER_SECOND = 5;
const TIME_BINARY = '/usr/bin/time';

/** One CloudFormation event and the AppFabric calls it caused. */
export interface EventCalls {
  readonly event: string;
  readonly status?: string;
  readonly operations: string[];
}

/** One run of 50 creates at once. */
export interface BurstRun {
  readonly wallMs: number;
  /** From the first request AppFabric received to the last ingestion it created. */
  readonly emulatorSpanMs: number;
  readonly createRequests: number;
  readonly created: number;
  readonly throttled: number;
  readonly otherOperations: Record<string, number>;
  readonly maxAttemptsPerCreate: number;
  readonly attemptsHistogram: Record<string, number>;
  readonly duplicates: number;
  readonly failures: number;
  readonly failureReasons: string[];
  readonly peakRssBytes: number;
  readonly peakRssSource: string;
  readonly rssLoadedBytes: number;
  readonly logLines: number;
  /** When each invocation had answered CloudFormation, from the start, sorted. */
  readonly finishedMs: number[];
}

export interface HandlerRunsResult {
  readonly eventRuns: EventCalls[][];
  readonly burstRuns: BurstRun[];
  readonly singleCreate: BurstRun;
}

type Build = (stack: Stack) => void;

function oktaStack(bundle: string, tenantId: string, tags: Record<string, string>): Build {
  return (stack) => {
    const okta = new Ingestion(stack, 'Okta', { appBundle: bundle, app: IngestionApp.OKTA, tenantId });
    for (const [key, value] of Object.entries(tags)) {
      Tags.of(okta).add(key, value);
    }
  };
}

/** A resource's life, as the lifecycle test walks it; each step's calls are counted alone. */
async function eventsOfOneResource(emulator: AppFabricEmulator, cloudFormation: CloudFormation, bundle: string): Promise<EventCalls[]> {
  const v1 = synthesize(oktaStack(bundle, 'acme.okta.com', { team: 'secops', source: 'okta' })).properties.Okta;
  const v2 = synthesize(oktaStack(bundle, 'acme.okta.com', { team: 'incident-response', owner: 'ir' })).properties.Okta;
  const v3 = synthesize(oktaStack(bundle, 'acme-eu.okta.com', { team: 'incident-response', owner: 'ir' })).properties.Okta;
  const results: EventCalls[] = [];
  const step = async (event: string, send: () => Promise<{ Status?: string; PhysicalResourceId?: string }>) => {
    emulator.clearCalls();
    const answer = await send();
    results.push({ event, status: answer.Status, operations: emulator.calls.map((call) => call.operation ?? call.path) });
    return answer;
  };

  const requestId = randomUUID();
  const created = await step('create', () => cloudFormation.create('Okta', v1, requestId));
  const arn = created.PhysicalResourceId!;
  const repeated = await step('repeated create (same RequestId)', () => cloudFormation.create('Okta', v1, requestId));
  if (repeated.PhysicalResourceId !== arn || emulator.ingestions().length !== 1) {
    throw new Error(`a repeated create made a second ingestion: ${repeated.PhysicalResourceId} besides ${arn}`);
  }
  await step('no-op update', () => cloudFormation.update('Okta', arn, v1, v1));
  await step('tag-only update (1 removed, 1 changed, 1 added)', () => cloudFormation.update('Okta', arn, v2, v1));
  const replaced = await step('replacing update (tenant changed)', () => cloudFormation.update('Okta', arn, v3, v2));
  await step('cleanup delete of the replaced one', () => cloudFormation.delete('Okta', arn, v2));
  await step('delete', () => cloudFormation.delete('Okta', replaced.PhysicalResourceId!, v3));
  if (emulator.ingestions().length !== 0) {
    throw new Error(`ingestions left after the deletes: ${emulator.ingestions().map((ingestion) => ingestion.arn).join(', ')}`);
  }
  return results;
}

/** Runs the handler host in a child process, measuring its peak memory with GNU time when present. */
async function runHost(handlerFile: string, events: object[], environment: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appfabric-bench-host-'));
  const eventsFile = path.join(dir, 'events.json');
  const resultFile = path.join(dir, 'result.json');
  fs.writeFileSync(eventsFile, JSON.stringify(events));

  const host = [process.execPath, path.join(__dirname, 'handler-host.js'), handlerFile, eventsFile, resultFile];
  const useTime = fs.existsSync(TIME_BINARY);
  const [command, ...args] = useTime ? [TIME_BINARY, '-v', ...host] : host;
  const child = spawn(command, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  let logLines = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    logLines += chunk.toString('utf8').split('\n').length - 1;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    throw new Error(`the handler host exited with ${code}: ${stderr.slice(-2000)}`);
  }

  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  const maxRssKb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    ...result,
    logLines,
    peakRssBytes: maxRssKb ? Number(maxRssKb[1]) * 1024 : result.peakRss,
    peakRssSource: maxRssKb ? 'the maximum resident set size from /usr/bin/time -v' : 'process.memoryUsage().rss sampled every 5 ms',
  };
}

/** Fires `count` creates at once against a fresh emulator limited to 5 requests per second. */
async function burstOfCreates(count: number, responses: ResponseRecorder): Promise<BurstRun> {
  const emulator = await AppFabricEmulator.start({ requestsPerSecond: REQUESTS_PER_SECOND });
  try {
    const bundle = emulator.createAppBundle();
    const stack = synthesize((scope: Stack) => {
      for (let i = 0; i < count; i++) {
        new Ingestion(scope, `Tenant${i}`, { appBundle: bundle, app: IngestionApp.SLACK, tenantId: `T${i}` });
      }
    });
    const events: CloudFormationCustomResourceCreateEvent[] = Object.entries(stack.properties).map(([id, properties]) => {
      const requestId = randomUUID();
      return {
        RequestType: 'Create',
        ServiceToken: String(properties.ServiceToken),
        ResponseURL: responses.urlFor(requestId),
        StackId: STACK_ID,
        RequestId: requestId,
        LogicalResourceId: id,
        ResourceType: RESOURCE_TYPE,
        ResourceProperties: properties as CloudFormationCustomResourceCreateEvent['ResourceProperties'],
      };
    });
    const environment = lambdaEnvironment(emulator);

    const host = await runHost(stack.handlerFile, events, environment);

    const answers = events.map((event) => responses.responsesFor(event.RequestId));
    const failureReasons = answers.flatMap((list, i) => (list.length === 1 && list[0].Status === 'SUCCESS'
      ? []
      : [`${events[i].LogicalResourceId}: ${list.length} answers, ${list.map((answer) => `${answer.Status} ${answer.Reason ?? ''}`).join('; ')}`]));
    const creates = emulator.callsOf('CreateIngestion');
    const attempts = new Map<string, number>();
    for (const call of creates) {
      const token = String((call.input.body as { clientToken?: string } | undefined)?.clientToken);
      attempts.set(token, (attempts.get(token) ?? 0) + 1);
    }
    const histogram: Record<string, number> = {};
    for (const n of attempts.values()) {
      histogram[n] = (histogram[n] ?? 0) + 1;
    }
    const tenants = emulator.ingestions().map((ingestion) => ingestion.tenantId);
    const others: Record<string, number> = {};
    for (const call of emulator.calls.filter((c) => c.operation !== 'CreateIngestion')) {
      const name = call.operation ?? call.path;
      others[name] = (others[name] ?? 0) + 1;
    }
    const createdCalls = creates.filter((call) => call.statusCode === 201);
    return {
      wallMs: host.wallMs,
      emulatorSpanMs: span(emulator.calls, createdCalls),
      createRequests: creates.length,
      created: createdCalls.length,
      throttled: emulator.calls.filter((call) => call.statusCode === 429).length,
      otherOperations: others,
      maxAttemptsPerCreate: Math.max(...attempts.values()),
      attemptsHistogram: histogram,
      duplicates: tenants.length - new Set(tenants).size + Math.max(0, createdCalls.length - count),
      failures: failureReasons.length + Math.max(0, count - new Set(tenants).size),
      failureReasons,
      peakRssBytes: host.peakRssBytes,
      peakRssSource: host.peakRssSource,
      rssLoadedBytes: host.rssLoaded,
      logLines: host.logLines,
      finishedMs: [...host.finishedMs].sort((a: number, b: number) => a - b),
    };
  } finally {
    await emulator.stop();
  }
}

function span(all: EmulatorCall[], created: EmulatorCall[]): number {
  if (all.length === 0 || created.length === 0) {
    return 0;
  }
  const first = Math.min(...all.map((call) => call.at.getTime()));
  return Math.max(...created.map((call) => call.at.getTime())) - first;
}

/** What Lambda puts in the function's environment; nothing of the caller's AWS settings leaks in. */
function lambdaEnvironment(emulator: AppFabricEmulator): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('AWS_')));
  return {
    ...inherited,
    AWS_REGION: emulator.region,
    AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    ...(emulator.credentials.sessionToken ? { AWS_SESSION_TOKEN: emulator.credentials.sessionToken } : {}),
    AWS_ENDPOINT_URL_APPFABRIC: emulator.endpoint,
  };
}

async function main(): Promise<void> {
  const [resultFile, eventRunsArg, burstRunsArg] = process.argv.slice(2);
  const progress = (message: string) => fs.writeSync(2, `  ${message}\n`);
  const responses = await ResponseRecorder.start();
  try {
    const emulator = await AppFabricEmulator.start();
    const eventRuns: EventCalls[][] = [];
    try {
      const firstBundle = emulator.createAppBundle();
      const { handlerFile } = synthesize(oktaStack(firstBundle, 'acme.okta.com', {}));
      const lambda = new LambdaRuntime(handlerFile, {
        region: emulator.region, endpoint: emulator.endpoint, credentials: emulator.credentials,
      });
      const cloudFormation = new CloudFormation(lambda, responses);
      for (let run = 0; run < Number(eventRunsArg); run++) {
        eventRuns.push(await eventsOfOneResource(emulator, cloudFormation, emulator.createAppBundle()));
      }
      progress(`calls per event: ${eventRuns.length} runs`);
    } finally {
      await emulator.stop();
    }

    const singleCreate = await burstOfCreates(1, responses);
    const burstRuns: BurstRun[] = [];
    for (let run = 0; run < Number(burstRunsArg); run++) {
      const burst = await burstOfCreates(INGESTIONS, responses);
      burstRuns.push(burst);
      progress(`${INGESTIONS} creates at once, run ${run + 1}: ${(burst.wallMs / 1000).toFixed(1)} s, `
        + `${burst.throttled} throttled, ${burst.failures} failures`);
    }
    const result: HandlerRunsResult = { eventRuns, burstRuns, singleCreate };
    fs.writeFileSync(resultFile, JSON.stringify(result, undefined, 1));
  } finally {
    await responses.stop();
  }
}

main().catch((error) => {
  fs.writeSync(2, `${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
