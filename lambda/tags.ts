import { OWNER_TAG_KEY } from '../lib/owner-tag';
import type { AppFabricClient, Tag } from './appfabric';
import type { Logger } from './log';

export type TagMap = Record<string, string>;

export interface TagChanges {
  /** Tags to add or whose value changed. */
  readonly toSet: Tag[];
  /** Keys to remove. */
  readonly toRemove: string[];
}

/**
 * Reads the `Tags` property of a custom resource into a map, without AWS-reserved `aws:` keys
 * and without the handler's own owner tag, which only the handler sets.
 *
 * CloudFormation passes the map the construct rendered; values arrive as strings, but a
 * hand-edited template can hold numbers or booleans, which AppFabric would receive as text anyway.
 */
export function normaliseTags(raw: unknown): TagMap {
  if (raw === undefined || raw === null || raw === '') {
    return {};
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`Tags must be a map of tag keys to values, got ${JSON.stringify(raw).slice(0, 200)}`);
  }
  const tags: TagMap = {};
  for (const [key, value] of Object.entries(raw)) {
    // AWS reserves the prefix whatever its case.
    if (key.toLowerCase().startsWith('aws:') || key === OWNER_TAG_KEY) {
      continue;
    }
    if (value !== null && typeof value === 'object') {
      throw new Error(`Tags: the value of tag ${JSON.stringify(key)} must be a string, got ${JSON.stringify(value).slice(0, 200)}`);
    }
    tags[key] = value === null || value === undefined ? '' : String(value);
  }
  return tags;
}

export function toTagList(tags: TagMap): Tag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/**
 * The calls that turn the old tags into the new ones: set what is new or changed, remove what is gone.
 */
export function diffTags(oldTags: TagMap, newTags: TagMap): TagChanges {
  const toSet = Object.entries(newTags)
    .filter(([key, value]) => oldTags[key] !== value)
    .map(([key, value]) => ({ key, value }));
  const toRemove = Object.keys(oldTags).filter((key) => !(key in newTags));
  return { toSet, toRemove };
}

/** Sends the calls that turn a resource's old tags into the new ones; none when they are equal. */
export async function updateResourceTags(
  client: AppFabricClient, log: Logger, resourceArn: string, oldTags: TagMap, newTags: TagMap,
): Promise<void> {
  const { toSet, toRemove } = diffTags(oldTags, newTags);
  if (toRemove.length > 0) {
    await client.untagResource({ resourceArn, tagKeys: toRemove });
    log.info('tags removed', { operation: 'UntagResource', outcome: 'success', tagKeys: toRemove });
  }
  if (toSet.length > 0) {
    await client.tagResource({ resourceArn, tags: toSet });
    log.info('tags set', { operation: 'TagResource', outcome: 'success', tagKeys: toSet.map((tag) => tag.key) });
  }
  if (toRemove.length === 0 && toSet.length === 0) {
    log.info('tags unchanged', { outcome: 'unchanged' });
  }
}
