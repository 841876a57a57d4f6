import { randomUUID } from 'crypto';
import * as fs from 'fs';
import { createServer, IncomingMessage, Server } from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';

export const RESOURCE_TYPE = 'Custom::AppFabricIngestion';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/Lifecycle/5b1f6c1e-0d2f-11ef-9f2a-0a1b2c3d4e5f';

type Handler = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;

/** What a synthesized stack gives the lifecycle tests: the handler as deployed, and each resource's properties. */
export interface SynthesizedStack {
  /** The handler file inside the synthesized Lambda asset, the code CloudFormation would deploy. */
  readonly handlerFile: string;
  /** The custom resource properties of each ingestion and destination, by construct id, as CloudFormation would send them. */
  readonly properties: Record<string, Record<string, unknown>>;
}

/**
 * Synthesizes a stack into a temporary cloud assembly and reads back what CloudFormation would
 * hand to the handler.
 */
export function synthesize(build: (stack: Stack) => void): SynthesizedStack {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'appfabric-lifecycle-'));
  // The CLI turns these on; they tell where the handler's asset went and which construct made each resource.
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true, 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Lifecycle', { env: { account: '111122223333', region: 'us-east-1' } });
  build(stack);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;

  const resources = Object.values(template.Resources as Record<string, any>);
  const functions = resources.filter((resource) => resource.Type === 'AWS::Lambda::Function');
  if (functions.length !== 1) {
    throw new Error(`expected one handler function in the stack, found ${functions.length}`);
  }
  const handlerFile = path.join(outdir, functions[0].Metadata['aws:asset:path'], 'index.js');
  const functionArn = 'arn:aws:lambda:us-east-1:111122223333:function:Lifecycle-Handler';

  const properties: Record<string, Record<string, unknown>> = {};
  for (const resource of resources.filter((r) => String(r.Type).startsWith('Custom::AppFabric'))) {
    const constructId = String(resource.Metadata['aws:cdk:path']).split('/').slice(-2)[0];
    properties[constructId] = { ...resource.Properties, ServiceToken: functionArn };
  }
  return { handlerFile, properties };
}

/**
 * Records the responses the handler PUTs to its ResponseURL, as CloudFormation's pre-signed
 * S3 URL would receive them.
 */
export class ResponseRecorder {
  public static async start(): Promise<ResponseRecorder> {
    const recorder = new ResponseRecorder();
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
    return recorder;
  }

  /** Answers with HTTP 500 this many times before accepting, to test the handler's retries. */
  public failuresToInject = 0;
  public readonly received: Array<{ requestId: string; contentType?: string; body: CloudFormationCustomResourceResponse }> = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      void readAll(request).then((body) => {
        if (this.failuresToInject > 0) {
          this.failuresToInject--;
          response.writeHead(500).end();
          return;
        }
        const requestId = decodeURIComponent(new URL(request.url!, 'http://localhost').pathname.split('/').pop()!);
        this.received.push({ requestId, contentType: request.headers['content-type'], body: JSON.parse(body) });
        response.writeHead(200).end();
      });
    });
  }

  /** A URL shaped like CloudFormation's: a path per request and a signature in the query string. */
  public urlFor(requestId: string): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/cloudformation-responses/${encodeURIComponent(requestId)}?X-Amz-Signature=abc%2Fdef&X-Amz-Expires=7200`;
  }

  public responsesFor(requestId: string): CloudFormationCustomResourceResponse[] {
    return this.received.filter((entry) => entry.requestId === requestId).map((entry) => entry.body);
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The settings a Lambda function gets from its environment. */
export interface LambdaEnvironment {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
}

/**
 * Runs the bundled handler as the Lambda runtime would: the module is loaded once (a warm
 * container), the environment carries region, credentials and endpoint, and every invocation
 * gets an event and a context with a deadline.
 */
export class LambdaRuntime {
  private static stdoutPatched = false;
  private static currentLogs: string[] = [];

  /** Sends what the handler writes to standard output to the log of the runtime that ran last. */
  private static captureStdout(logs: string[]): void {
    LambdaRuntime.currentLogs = logs;
    if (!LambdaRuntime.stdoutPatched) {
      LambdaRuntime.stdoutPatched = true;
      process.stdout.write = ((chunk: string | Uint8Array) => {
        LambdaRuntime.currentLogs.push(...String(chunk).split('\n').filter((line) => line.length > 0));
        return true;
      }) as typeof process.stdout.write;
    }
  }

  public readonly logs: string[] = [];
  private readonly handler: Handler;

  constructor(handlerFile: string, private readonly environment: LambdaEnvironment, private readonly timeoutMs = 180_000) {
    this.handler = require(handlerFile).handler;
  }

  public async invoke(event: CloudFormationCustomResourceEvent): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    const context = {
      awsRequestId: randomUUID(),
      functionName: 'Lifecycle-Handler',
      getRemainingTimeInMillis: () => deadline - Date.now(),
    } as unknown as Context;

    // A function's environment is fixed for its life; invocations may overlap, as on concurrent Lambdas.
    setEnvironment({
      AWS_REGION: this.environment.region,
      AWS_ACCESS_KEY_ID: this.environment.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.environment.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: this.environment.credentials.sessionToken,
      AWS_ENDPOINT_URL_APPFABRIC: this.environment.endpoint,
    });
    LambdaRuntime.captureStdout(this.logs);
    await this.handler(event, context);
  }
}

/**
 * Sends CloudFormation's custom resource events to the handler and returns the answer it PUT
 * to the ResponseURL.
 */
export class CloudFormation {
  constructor(
    private readonly lambda: LambdaRuntime,
    private readonly responses: ResponseRecorder,
    private readonly resourceType: string = RESOURCE_TYPE,
  ) {}

  public async create(logicalResourceId: string, properties: Record<string, unknown>, requestId: string = randomUUID()) {
    return this.send({ ...this.common(logicalResourceId, requestId), RequestType: 'Create', ResourceProperties: properties as any });
  }

  public async update(
    logicalResourceId: string, physicalResourceId: string, properties: Record<string, unknown>,
    oldProperties: Record<string, unknown>, requestId: string = randomUUID(),
  ) {
    return this.send({
      ...this.common(logicalResourceId, requestId),
      RequestType: 'Update',
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: properties as any,
      OldResourceProperties: oldProperties as any,
    });
  }

  public async delete(logicalResourceId: string, physicalResourceId: string, properties: Record<string, unknown>, requestId: string = randomUUID()) {
    return this.send({
      ...this.common(logicalResourceId, requestId),
      RequestType: 'Delete',
      PhysicalResourceId: physicalResourceId,
      ResourceProperties: properties as any,
    });
  }

  private common(logicalResourceId: string, requestId: string) {
    return {
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:Lifecycle-Handler',
      ResponseURL: this.responses.urlFor(requestId),
      StackId: STACK_ID,
      RequestId: requestId,
      LogicalResourceId: logicalResourceId,
      ResourceType: this.resourceType,
    };
  }

  private async send(event: CloudFormationCustomResourceEvent): Promise<CloudFormationCustomResourceResponse> {
    const before = this.responses.responsesFor(event.RequestId).length;
    await this.lambda.invoke(event);
    const answers = this.responses.responsesFor(event.RequestId);
    if (answers.length !== before + 1) {
      throw new Error(`the handler sent ${answers.length - before} responses for request ${event.RequestId}, expected 1`);
    }
    return answers[answers.length - 1];
  }
}

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function setEnvironment(variables: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(variables)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
}
