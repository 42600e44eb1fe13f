/** The rewrap engine (issue 4): worker, job control, views, and the hooks hosts use. */
export { autoResumable, claimJob, isRunnable, pauseJob, resumeAfterUnseal, resumeJob, supersedeOlderJobs } from './control';
export { leaseIsLive, newOwnerId } from './lease';
export { rewrapProgressEvents, runPendingRewraps, runRewraps, type RunRequest } from './runner';
export * from './types';
export { rewrapJobView, rewrapProgressOf } from './view';
export { runRewrapJob } from './worker';
