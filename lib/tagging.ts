import { Stack, TagManager, TagType } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isReservedTagKey } from './validation';

/**
 * Priority of tags inherited from stack props: below a `tags` prop (50) and `Tags.of(...)` (100),
 * so that those win and `Tags.of(...).remove(...)` can remove them.
 */
const STACK_TAG_PRIORITY = 10;

/**
 * A tag manager for a custom resource, holding the tags given in its props and those of the
 * enclosing stacks' props. CloudFormation applies stack tags to native resources but never to
 * custom ones, so the resource takes them itself. At construction time a stack's tag manager holds
 * only the tags from its props: `Tags.of(...)` reaches the resource through aspects, which run later.
 */
export function newTagManager(scope: Construct, resourceType: string, tags?: Record<string, string>): TagManager {
  const manager = new TagManager(TagType.MAP, resourceType, tags);
  const stacks: Stack[] = [];
  for (let stack: Stack | undefined = Stack.of(scope); stack; stack = stack.nestedStackParent) {
    stacks.unshift(stack);
  }
  const stackTags: Record<string, string> = Object.assign({}, ...stacks.map((stack) => stack.tags.tagValues()));
  for (const [key, value] of Object.entries(stackTags)) {
    manager.setTag(key, value, STACK_TAG_PRIORITY);
  }
  return manager;
}

/** The tags sent to AppFabric, without keys reserved by AWS. */
export function renderTags(manager: TagManager): Record<string, string> {
  return Object.fromEntries(Object.entries(manager.tagValues()).filter(([key]) => !isReservedTagKey(key)));
}

/** The `Tags` property of a custom resource: absent when there are none. */
export function renderTagProperty(manager: TagManager): Record<string, string> | undefined {
  const tags = renderTags(manager);
  return Object.keys(tags).length > 0 ? tags : undefined;
}
