export * from './contract.ts';
export * from './recon-types.ts';
export * from './errors.ts';
export * from './events.ts';
export * from './result.ts';
export { DECK_FIELDS, columnLetter } from './deck-fields.ts';
export type { DroppedFile, PickedFile, TrunklineBridge } from './bridge.ts';
