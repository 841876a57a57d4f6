/**
 * The tag the handler puts on every ingestion it creates, naming the stack and resource it made
 * the ingestion for. It lets a later deploy take back an ingestion whose creation CloudFormation
 * never heard of, and never touch one made by anyone else. Users cannot set it.
 */
export const OWNER_TAG_KEY = 'appfabric-ingestion:owner';

/** AppFabric's limit on tags per resource, less the owner tag. */
export const MAX_USER_TAGS = 49;
