/**
 * Every witness kind this build has: importing this file registers them. Add a kind by
 * importing its module here (its module calls registerWitnessKind).
 */
import './aws/kind';
import './gcp/kind';
import './azure/kind';
