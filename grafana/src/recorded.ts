import { ORDER_KEY, orderSelector } from './queries.js';

/**
 * The series prometheus/rules.yml records that the dashboard draws. test/monitoring checks every
 * name against that file, so a renamed rule fails a test instead of drawing an empty panel.
 */
export const RECORDED = {
  jobRemaining: 'order:aliyun_dms_datatrack_job_remaining_seconds:estimate',
  stageRemaining: 'order_stage:aliyun_dms_datatrack_stage_remaining_seconds:estimate',
  elapsedToMean: 'order:aliyun_dms_datatrack_job_elapsed_seconds:ratio_to_mean7d',
  profileStageMean: 'profile_stage:aliyun_dms_datatrack_completed_stage_duration_seconds:mean7d',
  profileJobMean: 'profile:aliyun_dms_datatrack_completed_job_duration_seconds:mean7d',
  databaseStageMean: 'database_stage:aliyun_dms_datatrack_stage_duration_seconds:mean',
  databaseJobMean: 'database:aliyun_dms_datatrack_job_duration_seconds:mean',
} as const;

/**
 * Seconds until each selected order's job ends: the job's estimate, or where the later stages have
 * no baseline yet, its current stage's (a lower bound), as DmsDataTrackJobEtaBeyondHorizon reads it.
 */
export function secondsLeft(): string {
  return (
    `max by (${ORDER_KEY}) (${orderSelector(RECORDED.jobRemaining)})\n` +
    `or on (${ORDER_KEY})\n` +
    `max by (${ORDER_KEY}) (${orderSelector(RECORDED.stageRemaining)})`
  );
}
