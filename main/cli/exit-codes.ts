/**
 * The CLI's exit codes, one table for every command (the README repeats it):
 *   0  done; for a verification, everything holds
 *   1  a verification failed, or the command was refused (bad input, an engine error)
 *   3  an evidence package verified, but against the key it carries: the signer's key
 *      was not pinned with --public-key, so nothing says it is the entity's key
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNPINNED = 3;
