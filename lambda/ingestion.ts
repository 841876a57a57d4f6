import { createHash } from 'crypto';
import { OWNER_TAG_KEY } from '../lib/owner-tag';
import { AppFabricClient, AppFabricError, IngestionIdentifiers, IngestionState, isAppFabricError, TimeBudget } from './appfabric';
import { Logger } from './log';
import { normaliseTags, TagMap, toTagList, updateResourceTags } from './tags';

/** The custom resource type the construct library declares for an ingestion. */
export const INGESTION_RESOURCE_TYPE = 'Custom::AppFabricIngestion';

/** Physical id of a create that failed for certain: nothing exists, a Delete has nothing to do. */
export const CREATE_FAILED_PREFIX = 'create-failed:';

/**
 * Physical id of a create whose outcome is unknown (AppFabric timed out or failed mid-way). Its
 * Delete, like that of any other physical id that is no ARN (CloudFormation never heard the
 * answer), looks for an ingestion this resource owns and removes it.
 */
export const CREATE_UNCONFIRMED_PREFIX = 'create-unconfirmed:';

const UUID_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
const INGESTION_ARN_PATTERN = /^(arn:[^:]+:appfabric:[^:]*:[^:]*:appbundle\/[^/]+)\/ingestion\/([^/]+)$/;

/** The custom resource's properties, as the construct renders them. */
export interface IngestionProperties {
  readonly appBundleIdentifier: string;
  readonly app: string;
  readonly tenantId: string;
  readonly ingestionType: string;
  /** Whether the ingestion should be running. */
  readonly enabled: boolean;
  readonly tags: TagMap;
}

export interface ParsedIngestionArn {
  readonly appBundleArn: string;
  readonly ingestionId: string;
  /** What AppFabric's ingestion operations take to name the ingestion. */
  readonly identifiers: IngestionIdentifiers;
}

/** What the handler tells CloudFormation on success. */
export interface HandlerResult {
  readonly physicalResourceId: string;
  readonly data?: Record<string, string>;
}

/**
 * Reads and checks the custom resource's properties. The construct validates them at synth
 * time; this catches templates edited by hand, with a reason CloudFormation can show.
 */
export function readIngestionProperties(raw: Record<string, unknown> | undefined): IngestionProperties {
  const properties = raw ?? {};
  const text = (name: string, fallback?: string): string => {
    const value = properties[name] ?? fallback;
    // CloudFormation sends numbers and booleans as strings; a hand-written template may not.
    const isScalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (!isScalar || String(value).length === 0) {
      throw new Error(`property ${name} must be a non-empty string, got ${JSON.stringify(value ?? null).slice(0, 200)}`);
    }
    return String(value);
  };
  return {
    appBundleIdentifier: text('AppBundleIdentifier'),
    app: text('App'),
    tenantId: text('TenantId'),
    ingestionType: text('IngestionType', 'auditLog'),
    enabled: readBoolean('Enabled', properties.Enabled, true),
    tags: normaliseTags(properties.Tags),
  };
}

/** CloudFormation turns `true` into `"true"`: both mean the same. */
export function readBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) {
    return fallback;
  }
  const text = String(value).toLowerCase();
  if (text !== 'true' && text !== 'false') {
    throw new Error(`property ${name} must be true or false, got ${JSON.stringify(value).slice(0, 200)}`);
  }
  return text === 'true';
}

/**
 * The clientToken for CreateIngestion: the CloudFormation RequestId, so that a repeated request
 * finds the ingestion it already made. AppFabric wants a lowercase UUID; any other RequestId is
 * mapped to one through a hash, so that the same request always gets the same token.
 */
export function clientTokenFor(requestId: string): string {
  if (UUID_PATTERN.test(requestId)) {
    return requestId.toLowerCase();
  }
  const hex = createHash('sha256').update(requestId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The owner tag's value: the stack's name and the resource's logical id. The name, not the stack
 * id, so that a stack deleted after a failed first deploy and created again finds what it left.
 */
export function ownerOf(stackId: string, logicalResourceId: string): string {
  const stackName = stackId.split('/')[1] ?? stackId;
  const owner = `${stackName}/${logicalResourceId}`;
  return owner.length <= 256 ? owner : createHash('sha256').update(owner).digest('hex');
}

/**
 * Splits an ingestion ARN into the identifiers AppFabric's ingestion operations take.
 *
 * @returns undefined for a physical id that is not an ingestion ARN (a create that failed)
 */
export function parseIngestionArn(physicalResourceId: string): ParsedIngestionArn | undefined {
  const match = INGESTION_ARN_PATTERN.exec(physicalResourceId);
  if (!match) {
    return undefined;
  }
  return {
    appBundleArn: match[1],
    ingestionId: match[2],
    identifiers: { appBundleIdentifier: match[1], ingestionIdentifier: physicalResourceId },
  };
}

/**
 * Whether moving from the old properties to the new ones needs a new ingestion. AppFabric cannot
 * change an ingestion's app, tenant, bundle or type; tags are updated in place.
 */
export function requiresReplacement(oldProps: IngestionProperties, newProps: IngestionProperties): boolean {
  return oldProps.app !== newProps.app
    || oldProps.tenantId !== newProps.tenantId
    || oldProps.ingestionType !== newProps.ingestionType
    || bundleId(oldProps.appBundleIdentifier) !== bundleId(newProps.appBundleIdentifier);
}

/** A bundle given once by ARN and once by UUID is the same bundle: compare the UUIDs. */
function bundleId(identifier: string): string {
  const marker = ':appbundle/';
  const index = identifier.indexOf(marker);
  return (index >= 0 ? identifier.slice(index + marker.length) : identifier).toLowerCase();
}

/** An error after which AppFabric may hold an ingestion that CloudFormation does not know. */
export function isOutcomeUnknown(error: unknown): boolean {
  return (error as { outcomeUnknown?: boolean } | undefined)?.outcomeUnknown === true;
}

/**
 * Marks an error that left nothing new behind, whatever the failed call itself could not tell:
 * nothing may be cleaned up after it.
 */
function outcomeKnown(error: unknown): unknown {
  return Object.assign(error as object, { outcomeUnknown: false });
}

/**
 * Create, update and delete decisions for `Custom::AppFabricIngestion`.
 *
 * The handler keeps a managed ingestion in the state its `Enabled` property asks for, starting
 * or stopping it as needed, so that the `State` attribute is known without asking AppFabric.
 */
export class IngestionLifecycle {
  constructor(
    private readonly client: AppFabricClient,
    private readonly log: Logger,
    /** The owner tag value of the resource this event is for. */
    private readonly owner: string,
    private readonly budget: TimeBudget = { remainingMs: () => Number.POSITIVE_INFINITY },
  ) {}

  public async create(props: IngestionProperties, requestId: string): Promise<HandlerResult> {
    const clientToken = clientTokenFor(requestId);
    let arn: string;
    let state: IngestionState;
    let created = true;
    try {
      const { ingestion } = await this.client.createIngestion({
        appBundleIdentifier: props.appBundleIdentifier,
        app: props.app,
        tenantId: props.tenantId,
        ingestionType: props.ingestionType,
        clientToken,
        tags: toTagList({ ...props.tags, [OWNER_TAG_KEY]: this.owner }),
      });
      ({ arn, state } = ingestion);
      this.log.info('ingestion created', { operation: 'CreateIngestion', outcome: 'success', ingestionArn: arn, clientToken });
    } catch (error) {
      if (!isAppFabricError(error, 'ConflictException')) {
        throw error;
      }
      created = false;
      ({ arn, state } = await this.adopt(props, error as AppFabricError).catch((adoptError) => {
        throw outcomeKnown(adoptError);
      }));
    }

    if (created) {
      await this.settleNewState(arn, state, props.enabled);
    } else if ((state === 'enabled') !== props.enabled) {
      // An ingestion taken back may be the one CloudFormation still holds: a failure here must not remove it.
      await this.setState(arn, props.enabled).catch((stateError) => {
        throw outcomeKnown(stateError);
      });
    }
    return resultFor(arn, props.enabled);
  }

  public async update(
    physicalResourceId: string, oldProps: IngestionProperties, newProps: IngestionProperties, requestId: string,
  ): Promise<HandlerResult> {
    if (!parseIngestionArn(physicalResourceId) || requiresReplacement(oldProps, newProps)) {
      // A new physical id makes CloudFormation delete the old ingestion once the update succeeds.
      this.log.info('replacing ingestion', { operation: 'CreateIngestion' });
      return this.replace(newProps, requestId);
    }

    try {
      await updateResourceTags(this.client, this.log, physicalResourceId, oldProps.tags, newProps.tags);
      if (oldProps.enabled !== newProps.enabled) {
        await this.setState(physicalResourceId, newProps.enabled);
      }
    } catch (error) {
      if (!isAppFabricError(error, 'ResourceNotFoundException')) {
        throw error;
      }
      // Deleted outside CloudFormation: make it again, and CloudFormation's delete of the old id finds nothing.
      this.log.warn('ingestion not found, creating it again', { outcome: 'not-found' });
      return this.create(newProps, requestId);
    }
    return resultFor(physicalResourceId, newProps.enabled);
  }

  public async delete(physicalResourceId: string, props: IngestionProperties | undefined): Promise<HandlerResult> {
    const ids = parseIngestionArn(physicalResourceId)?.identifiers;
    if (ids) {
      await this.stopAndDelete(ids);
    } else if (physicalResourceId.startsWith(CREATE_FAILED_PREFIX) || !props) {
      this.log.info('no ingestion was created for this resource, nothing to delete', { outcome: 'skipped' });
    } else {
      await this.removeOwned(props);
    }
    return { physicalResourceId };
  }

  /**
   * Creates the replacement; if that fails with an unknown outcome, removes what may have been
   * made, so that the old ingestion stays the only one.
   */
  private async replace(props: IngestionProperties, requestId: string): Promise<HandlerResult> {
    try {
      return await this.create(props, requestId);
    } catch (error) {
      if (isOutcomeUnknown(error)) {
        this.log.warn('replacement failed mid-way, removing what it may have made', { outcome: 'cleanup' });
        await this.removeOwned(props).catch((cleanupError: Error) => {
          this.log.error('could not remove the replacement', { outcome: 'cleanup-failed', reason: cleanupError.message });
        });
      }
      throw error;
    }
  }

  /**
   * After a ConflictException: takes back an ingestion this resource made before (its creation
   * answer was lost), or explains which ingestion is in the way and leaves it alone.
   */
  private async adopt(props: IngestionProperties, conflict: AppFabricError): Promise<{ arn: string; state: IngestionState }> {
    const existing = await this.findOwned(props);
    if (!existing.ingestion) {
      throw conflict;
    }
    if (!existing.owned) {
      throw new Error(`AppFabric CreateIngestion failed: ConflictException: an ingestion for app ${props.app} and tenant `
        + `${props.tenantId} already exists in the app bundle: ${existing.ingestion.arn}. It was not made by this resource, `
        + 'so it is left alone: delete it, or use it with Ingestion.fromIngestionArn instead of creating another');
    }

    this.log.info('taking back an ingestion this resource made earlier', {
      outcome: 'adopted', ingestionArn: existing.ingestion.arn, tagKeys: Object.keys(existing.tags),
    });
    await updateResourceTags(this.client, this.log, existing.ingestion.arn, existing.tags, props.tags);
    return existing.ingestion;
  }

  /** Stops and deletes the ingestion this resource made for these properties, if there is one. */
  private async removeOwned(props: IngestionProperties): Promise<void> {
    const existing = await this.findOwned(props);
    if (existing.ingestion && existing.owned) {
      this.log.info('removing an ingestion this resource made', { outcome: 'cleanup', ingestionArn: existing.ingestion.arn });
      await this.stopAndDelete(parseIngestionArn(existing.ingestion.arn)!.identifiers);
    } else {
      this.log.info('no ingestion of this resource to remove', { outcome: 'skipped' });
    }
  }

  private async findOwned(props: IngestionProperties) {
    const ingestion = (await this.client.listAllIngestions(props.appBundleIdentifier))
      .find((candidate) => candidate.app === props.app && candidate.tenantId === props.tenantId);
    if (!ingestion) {
      return { ingestion: undefined, owned: false, tags: {} as TagMap };
    }
    const { tags } = await this.client.listTagsForResource({ resourceArn: ingestion.arn });
    const tagMap: TagMap = Object.fromEntries(tags.map((tag) => [tag.key, tag.value]));
    return { ingestion, owned: tagMap[OWNER_TAG_KEY] === this.owner, tags: normaliseTags(tagMap) };
  }

  private async stopAndDelete(ids: IngestionIdentifiers): Promise<void> {
    // AppFabric deletes only stopped ingestions. Stopping one that is already stopped is refused
    // with a conflict, which is the state wanted.
    let stoppedHere = false;
    try {
      await this.client.stopIngestion(ids);
      stoppedHere = true;
      this.log.info('ingestion stopped', { operation: 'StopIngestion', outcome: 'success' });
    } catch (error) {
      if (isAppFabricError(error, 'ResourceNotFoundException')) {
        this.log.info('ingestion already gone', { operation: 'StopIngestion', outcome: 'not-found' });
        return;
      }
      if (!isAppFabricError(error, 'ConflictException')) {
        throw error;
      }
      this.log.info('ingestion not running', { operation: 'StopIngestion', outcome: 'conflict', reason: (error as Error).message });
    }

    // A conflict on delete means something still holds the ingestion (its destinations, a stop
    // in progress): wait a little for it to clear, then report it.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.deleteIngestion(ids);
        this.log.info('ingestion deleted', { operation: 'DeleteIngestion', outcome: 'success' });
        return;
      } catch (error) {
        if (isAppFabricError(error, 'ResourceNotFoundException')) {
          this.log.info('ingestion already gone', { operation: 'DeleteIngestion', outcome: 'not-found' });
          return;
        }
        const waitMs = DELETE_CONFLICT_WAIT_MS * 2 ** (attempt - 1);
        if (!isAppFabricError(error, 'ConflictException') || attempt >= DELETE_CONFLICT_ATTEMPTS || waitMs + 1_000 > this.budget.remainingMs()) {
          // An ingestion that stays (destinations made outside the stack hold it) keeps collecting, as before.
          if (stoppedHere) {
            await this.setState(ids.ingestionIdentifier, true).then(
              () => Object.assign(error as object, { restarted: true }),
              (startError: Error) => this.log.error('could not start the ingestion again', { reason: startError.message }),
            );
          }
          throw error;
        }
        this.log.warn('ingestion cannot be deleted yet', { operation: 'DeleteIngestion', outcome: 'conflict', attempt, waitMs });
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  /**
   * Brings an ingestion just created to the wanted state. One that cannot get there is deleted
   * again: CloudFormation will not delete what it got no physical id for.
   */
  private async settleNewState(arn: string, state: IngestionState, enabled: boolean): Promise<void> {
    if ((state === 'enabled') === enabled) {
      return;
    }
    try {
      await this.setState(arn, enabled);
    } catch (error) {
      this.log.error('could not bring the ingestion to its state, deleting it', { outcome: 'failed', ingestionArn: arn });
      await this.stopAndDelete(parseIngestionArn(arn)!.identifiers).catch((cleanupError: Error) => {
        this.log.error('could not delete the ingestion', { operation: 'DeleteIngestion', reason: cleanupError.message });
        Object.assign(error as object, { outcomeUnknown: true });
      });
      throw error;
    }
  }

  /** Starts or stops an ingestion; one already in that state answers a conflict, which is success. */
  private async setState(arn: string, enabled: boolean): Promise<void> {
    const ids = parseIngestionArn(arn)!.identifiers;
    const operation = enabled ? 'StartIngestion' : 'StopIngestion';
    try {
      await (enabled ? this.client.startIngestion(ids) : this.client.stopIngestion(ids));
      this.log.info(enabled ? 'ingestion started' : 'ingestion stopped', { operation, outcome: 'success' });
    } catch (error) {
      if (!isAppFabricError(error, 'ConflictException')) {
        throw error;
      }
      this.log.info('ingestion already in that state', { operation, outcome: 'conflict' });
    }
  }
}

/** Conflicts on delete are waited out this many times, doubling from this wait. */
const DELETE_CONFLICT_ATTEMPTS = 4;
const DELETE_CONFLICT_WAIT_MS = 1_000;

function resultFor(ingestionArn: string, enabled: boolean): HandlerResult {
  const { appBundleArn, ingestionId } = parseIngestionArn(ingestionArn)!;
  const state: IngestionState = enabled ? 'enabled' : 'disabled';
  return {
    physicalResourceId: ingestionArn,
    data: { Arn: ingestionArn, Id: ingestionId, AppBundleArn: appBundleArn, State: state },
  };
}

