import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { AppFabricClient, AppFabricError } from './appfabric';
import { failureResponse, sendResponse, successResponse } from './cfn-response';
import { HandlerResult, INGESTION_RESOURCE_TYPE, IngestionLifecycle, readIngestionProperties } from './ingestion';
import { Logger } from './log';

/**
 * The Lambda entry point CloudFormation invokes for every AppFabric custom resource of a stack.
 *
 * It always answers CloudFormation itself, SUCCESS or FAILED with a one-line reason, so that a
 * failure never leaves the stack waiting for the service timeout.
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
  log.info('event received', { stackId: event.StackId });

  const client = new AppFabricClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    onAttempt: (attempt) => log.info('AppFabric call', { ...attempt, outcome: attempt.errorType ?? 'success' }),
  });
  let response;
  try {
    const result = await dispatch(event, new IngestionLifecycle(client, log));
    response = successResponse(event, result.physicalResourceId, result.data);
  } catch (error) {
    const reason = describeFailure(error);
    log.error('request failed', { outcome: 'failed', reason });
    // After a failed create there is nothing to point at; a marker that is not an ARN makes the
    // Delete CloudFormation sends during rollback a no-op.
    response = failureResponse(event, physicalResourceId ?? `create-failed:${event.RequestId}`, reason);
  } finally {
    client.destroy();
  }
  await sendResponse(event.ResponseURL, response, log);
}

async function dispatch(event: CloudFormationCustomResourceEvent, ingestions: IngestionLifecycle): Promise<HandlerResult> {
  if (event.ResourceType !== INGESTION_RESOURCE_TYPE) {
    // Nothing was ever made for a type this handler does not serve: its Delete (a rollback) must succeed.
    if (event.RequestType === 'Delete') {
      return { physicalResourceId: event.PhysicalResourceId };
    }
    throw new Error(`unsupported resource type ${event.ResourceType}: this handler serves ${INGESTION_RESOURCE_TYPE}`);
  }
  switch (event.RequestType) {
    case 'Create':
      return ingestions.create(readIngestionProperties(event.ResourceProperties), event.RequestId);
    case 'Update':
      return ingestions.update(
        event.PhysicalResourceId,
        readIngestionProperties(event.OldResourceProperties),
        readIngestionProperties(event.ResourceProperties),
        event.RequestId,
      );
    case 'Delete':
      return ingestions.delete(event.PhysicalResourceId);
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof AppFabricError) {
    const hint = error.name === 'ConflictException' && error.operation === 'CreateIngestion'
      ? ' (an ingestion for this app and tenant already exists in the app bundle: delete it, '
        + 'or import it with Ingestion.fromIngestionArn instead of creating it)'
      : '';
    return `AppFabric ${error.operation ?? 'request'} failed: ${error.name}: ${error.message}${hint}`;
  }
  return error instanceof Error ? error.message : String(error);
}
