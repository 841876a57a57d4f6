import type { DestinationConfiguration } from './destinations';
import { toWireIngestion, toWireIngestionDestination, type OperationName } from './model';
import type { AppFabricState, CreateIngestionDestinationParams, CreateIngestionParams, Tag } from './state';

/** What an operation answers on success: a JSON body, or nothing (204). */
type Handler = (state: AppFabricState, params: Record<string, unknown>) => object | undefined;

/** One handler per served operation; `params` has already passed model validation. */
export const HANDLERS: Readonly<Record<OperationName, Handler>> = {
  CreateIngestion: (state, params) =>
    ({ ingestion: toWireIngestion(state.createIngestion(params as unknown as CreateIngestionParams)) }),
  GetIngestion: (state, params) => ({ ingestion: toWireIngestion(state.getIngestion(...ids(params))) }),
  ListIngestions: (state, params) => state.listIngestions(str(params.appBundleIdentifier), ...page(params)),
  StartIngestion: (state, params) => {
    state.setIngestionState(...ids(params), 'enabled');
    return {};
  },
  StopIngestion: (state, params) => {
    state.setIngestionState(...ids(params), 'disabled');
    return {};
  },
  DeleteIngestion: (state, params) => {
    state.deleteIngestion(...ids(params));
    return undefined;
  },
  TagResource: (state, params) => {
    state.tagResource(str(params.resourceArn), params.tags as Tag[]);
    return {};
  },
  UntagResource: (state, params) => {
    state.untagResource(str(params.resourceArn), params.tagKeys as string[]);
    return {};
  },
  ListTagsForResource: (state, params) => ({ tags: state.listTags(str(params.resourceArn)) }),
  CreateIngestionDestination: (state, params) => ({
    ingestionDestination: toWireIngestionDestination(
      state.createIngestionDestination(params as unknown as CreateIngestionDestinationParams)),
  }),
  GetIngestionDestination: (state, params) =>
    ({ ingestionDestination: toWireIngestionDestination(state.getIngestionDestination(...destinationIds(params))) }),
  ListIngestionDestinations: (state, params) => state.listIngestionDestinations(...ids(params), ...page(params)),
  UpdateIngestionDestination: (state, params) => ({
    ingestionDestination: toWireIngestionDestination(state.updateIngestionDestination(
      ...destinationIds(params), params.destinationConfiguration as DestinationConfiguration)),
  }),
  DeleteIngestionDestination: (state, params) => {
    state.deleteIngestionDestination(...destinationIds(params));
    return undefined;
  },
};

function ids(params: Record<string, unknown>): [string, string] {
  return [str(params.appBundleIdentifier), str(params.ingestionIdentifier)];
}

function destinationIds(params: Record<string, unknown>): [string, string, string] {
  return [...ids(params), str(params.ingestionDestinationIdentifier)];
}

function page(params: Record<string, unknown>): [number | undefined, string | undefined] {
  return [
    params.maxResults === undefined ? undefined : Number(params.maxResults),
    params.nextToken === undefined ? undefined : str(params.nextToken),
  ];
}

function str(value: unknown): string {
  return String(value);
}
