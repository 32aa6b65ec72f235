/** Tables of the scheduler (jobs and their runs): filled in by migration 0003. */
export interface SchedulerTables {}
