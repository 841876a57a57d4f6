import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { AppFabricClient, AppFabricError, TimeBudget } from './appfabric';
import { failureResponse, sendResponse, successResponse } from './cfn-response';
import { DESTINATION_RESOURCE_TYPE, DestinationLifecycle, readDestinationProperties } from './destination';
import {
  CREATE_FAILED_PREFIX, CREATE_UNCONFIRMED_PREFIX, HandlerResult, INGESTION_RESOURCE_TYPE, IngestionLifecycle,
  isOutcomeUnknown, ownerOf, readIngestionProperties,
} from './ingestion';
import { Logger } from './log';

/** Time kept back from the AppFabric work for answering CloudFormation, at most. */
const RESPONSE_RESERVE_MS = 15_000;

/**
 * The Lambda entry point CloudFormation invokes for every AppFabric custom resource of a stack.
 *
 * It always answers CloudFormation itself, SUCCESS or FAILED with a one-line reason, and before
 * the function's own timeout, so that a failure never leaves the stack waiting.
 */
export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const physicalResourceId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : undefined;
  const log = new Logger({
    requestType: event.RequestType,
    resourceType: event.ResourceType,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId,
    requestId: event.RequestId,
    awsRequestId: context.awsRequestId,
  });
  log.info('event received', { stackId: event.StackId, remainingMs: context.getRemainingTimeInMillis() });

  // The work stops early enough to leave time for the answer, which itself stops before Lambda does.
  const deadline = Date.now() + context.getRemainingTimeInMillis();
  const reserve = Math.min(RESPONSE_RESERVE_MS, context.getRemainingTimeInMillis() / 4);
  const workBudget: TimeBudget = { remainingMs: () => deadline - reserve - Date.now() };
  const responseBudget: TimeBudget = { remainingMs: () => deadline - 200 - Date.now() };

  const client = new AppFabricClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    timeBudget: workBudget,
    onAttempt: (attempt) => log.info('AppFabric call', { ...attempt, outcome: attempt.errorType ?? 'success' }),
  });
  let response;
  try {
    const owner = ownerOf(event.StackId, event.LogicalResourceId);
    const result = await dispatch(event, {
      [INGESTION_RESOURCE_TYPE]: { read: readIngestionProperties, lifecycle: new IngestionLifecycle(client, log, owner, workBudget) },
      [DESTINATION_RESOURCE_TYPE]: { read: readDestinationProperties, lifecycle: new DestinationLifecycle(client, log, owner) },
    });
    response = successResponse(event, result.physicalResourceId, result.data);
  } catch (error) {
    const reason = describeFailure(error);
    log.error('request failed', { outcome: 'failed', reason });
    // After a failed create there is nothing to point at: a marker that is no ARN tells the Delete
    // of the rollback whether AppFabric may hold an ingestion to clean up.
    const marker = isOutcomeUnknown(error) ? CREATE_UNCONFIRMED_PREFIX : CREATE_FAILED_PREFIX;
    response = failureResponse(event, physicalResourceId ?? `${marker}${event.RequestId}`, reason);
  } finally {
    client.destroy();
  }
  await sendResponse(event.ResponseURL, response, log, responseBudget);
}

/** What the handler needs to serve one custom resource type. */
interface ResourceLifecycle<P> {
  create(props: P, requestId: string): Promise<HandlerResult>;
  update(physicalResourceId: string, oldProps: P, newProps: P, requestId: string): Promise<HandlerResult>;
  /** Takes the properties when they can be read: only a cleanup after an unconfirmed create needs them. */
  delete(physicalResourceId: string, props: P | undefined): Promise<HandlerResult>;
}

interface ResourceHandler<P> {
  readonly read: (raw: Record<string, unknown> | undefined) => P;
  readonly lifecycle: ResourceLifecycle<P>;
}

async function dispatch(event: CloudFormationCustomResourceEvent, handlers: Record<string, ResourceHandler<any>>): Promise<HandlerResult> {
  const resource = handlers[event.ResourceType];
  if (!resource) {
    // Nothing was ever made for a type this handler does not serve: its Delete (a rollback) must succeed.
    if (event.RequestType === 'Delete') {
      return { physicalResourceId: event.PhysicalResourceId };
    }
    throw new Error(`unsupported resource type ${event.ResourceType}: this handler serves ${Object.keys(handlers).join(' and ')}`);
  }
  const { read, lifecycle } = resource;
  switch (event.RequestType) {
    case 'Create':
      return lifecycle.create(read(event.ResourceProperties), event.RequestId);
    case 'Update':
      return lifecycle.update(event.PhysicalResourceId, read(event.OldResourceProperties), read(event.ResourceProperties), event.RequestId);
    case 'Delete':
      return lifecycle.delete(event.PhysicalResourceId, readForDelete(read, event.ResourceProperties));
  }
}

/** A Delete must not fail on properties it only needs to clean up after an unconfirmed create. */
function readForDelete<P>(read: (raw: Record<string, unknown>) => P, raw: Record<string, unknown>): P | undefined {
  try {
    return read(raw);
  } catch {
    return undefined;
  }
}

function describeFailure(error: unknown): string {
  if (!(error instanceof AppFabricError)) {
    return error instanceof Error ? error.message : String(error);
  }
  let hint = '';
  if (error.budgetExhausted) {
    hint = ` (gave up after ${error.attempts} attempts: the time left before the function's timeout ran out)`;
  } else if (error.name === 'AccessDeniedException') {
    hint = ' (the handler\'s role allows AppFabric actions on the app bundles of the stack\'s own account and region only)';
  } else if (error.name === 'ConflictException' && error.operation === 'DeleteIngestion') {
    hint = ' (AppFabric deletes an ingestion only once it has no destinations: delete those made outside this stack'
      + `${(error as { restarted?: boolean }).restarted ? '; the ingestion was started again' : ''})`;
  } else if (error.name === 'ValidationException' && /authori[sz]ation/i.test(error.message)) {
    hint = ' (connect the app authorization for this app and tenant in AppFabric before deploying the ingestion)';
  } else if ((error.attempts ?? 1) > 1) {
    hint = ` (after ${error.attempts} attempts)`;
  }
  return `AppFabric ${error.operation ?? 'request'} failed: ${error.name}: ${error.message}${hint}`;
}
