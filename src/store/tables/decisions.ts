/** Tables of decisions and blocklists (migration 0007-decisions). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DecisionTables {}
