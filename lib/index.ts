export * from './ingestion';
export * from './ingestion-app';
