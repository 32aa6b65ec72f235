/** Tables of the threat detection pipeline (migration 0006-threat). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ThreatTables {}
