/** Tables of the notifiers (channels, delivery log): filled in by migration 0004. */
export interface NotifyTables {}
