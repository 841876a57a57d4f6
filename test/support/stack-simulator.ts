import { randomUUID } from 'crypto';
import type { CloudFormationCustomResourceResponse } from 'aws-lambda';
import { CloudFormation } from './lambda-runtime';

type Properties = Record<string, unknown>;

/** One step CloudFormation took, with the handler's answer. */
export interface StepRecord {
  readonly request: 'Create' | 'Update' | 'Delete';
  readonly physicalResourceId?: string;
  readonly answer: CloudFormationCustomResourceResponse;
  readonly elapsedMs: number;
}

/**
 * What CloudFormation does with one custom resource across deployments: it sends Create or
 * Update, deletes the old physical resource after a successful replacement, rolls a failed
 * update back with an Update to the previous properties, rolls a failed create back with a
 * Delete, and remembers the physical id and properties only of what succeeded.
 */
export class StackSimulator {
  /** The physical id CloudFormation holds for the resource, if any. */
  public physicalResourceId?: string;
  /** The properties of the last successful deployment. */
  public properties?: Properties;
  public readonly steps: StepRecord[] = [];
  /** A rollback Delete that failed: CloudFormation retries it before anything else (continue rollback, delete stack). */
  private pendingDelete?: { physicalResourceId: string; properties: Properties };

  constructor(private readonly cloudFormation: CloudFormation, public readonly logicalResourceId: string) {}

  /**
   * Deploys the resource with these properties, rolling back on failure.
   *
   * @returns the answer to the deploying request (Create or Update)
   */
  public async deploy(properties: Properties, requestId: string = randomUUID()): Promise<CloudFormationCustomResourceResponse> {
    const blocked = await this.retryPendingDelete();
    if (blocked) {
      return blocked;
    }
    if (!this.physicalResourceId) {
      const answer = await this.step('Create', () => this.cloudFormation.create(this.logicalResourceId, properties, requestId));
      if (answer.Status === 'SUCCESS') {
        this.physicalResourceId = answer.PhysicalResourceId;
        this.properties = properties;
      } else {
        await this.rollbackCreate(answer.PhysicalResourceId!, properties);
      }
      return answer;
    }

    const oldId = this.physicalResourceId;
    const oldProperties = this.properties!;
    const answer = await this.step('Update', () =>
      this.cloudFormation.update(this.logicalResourceId, oldId, properties, oldProperties, requestId), oldId);
    if (answer.Status === 'SUCCESS') {
      this.physicalResourceId = answer.PhysicalResourceId;
      this.properties = properties;
      if (answer.PhysicalResourceId !== oldId) {
        await this.step('Delete', () => this.cloudFormation.delete(this.logicalResourceId, oldId, oldProperties), oldId);
      }
      return answer;
    }

    // The rollback asks the resource to go back to the old properties.
    const rollback = await this.step('Update', () =>
      this.cloudFormation.update(this.logicalResourceId, oldId, oldProperties, properties), oldId);
    if (rollback.Status === 'SUCCESS' && rollback.PhysicalResourceId !== oldId) {
      this.physicalResourceId = rollback.PhysicalResourceId;
    }
    return answer;
  }

  /**
   * A Create whose answer CloudFormation never received: the handler ran, CloudFormation timed
   * out and rolled back with a Delete for a physical id it made up.
   */
  public async deployAnswerLost(properties: Properties): Promise<void> {
    if (this.physicalResourceId) {
      throw new Error('an answer can only get lost on a create in this simulator');
    }
    if (await this.retryPendingDelete()) {
      return;
    }
    await this.step('Create', () => this.cloudFormation.create(this.logicalResourceId, properties));
    await this.rollbackCreate(`${this.logicalResourceId}-timed-out`, properties);
  }

  /** Deletes the resource, as a stack deletion or its removal from the template does. */
  public async destroy(): Promise<CloudFormationCustomResourceResponse | undefined> {
    const blocked = await this.retryPendingDelete();
    if (blocked || !this.physicalResourceId) {
      return blocked;
    }
    const id = this.physicalResourceId;
    const answer = await this.step('Delete', () => this.cloudFormation.delete(this.logicalResourceId, id, this.properties!), id);
    if (answer.Status === 'SUCCESS') {
      this.physicalResourceId = undefined;
      this.properties = undefined;
    }
    return answer;
  }

  private async rollbackCreate(physicalResourceId: string, properties: Properties): Promise<void> {
    const answer = await this.step('Delete', () => this.cloudFormation.delete(this.logicalResourceId, physicalResourceId, properties));
    if (answer.Status !== 'SUCCESS') {
      this.pendingDelete = { physicalResourceId, properties };
    }
  }

  /** @returns the failed answer when the pending delete still fails, so nothing else may happen */
  private async retryPendingDelete(): Promise<CloudFormationCustomResourceResponse | undefined> {
    const pending = this.pendingDelete;
    if (!pending) {
      return undefined;
    }
    const answer = await this.step('Delete', () =>
      this.cloudFormation.delete(this.logicalResourceId, pending.physicalResourceId, pending.properties));
    if (answer.Status === 'SUCCESS') {
      this.pendingDelete = undefined;
      return undefined;
    }
    return answer;
  }

  private async step(
    request: StepRecord['request'], send: () => Promise<CloudFormationCustomResourceResponse>, physicalResourceId?: string,
  ): Promise<CloudFormationCustomResourceResponse> {
    const started = Date.now();
    const answer = await send();
    this.steps.push({ request, physicalResourceId, answer, elapsedMs: Date.now() - started });
    return answer;
  }
}
