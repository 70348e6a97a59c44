/** Activation statistics: streaming moments, correlation matrices, linear CKA. */
export { MomentAccumulator, type MomentOptions } from './moments';
export { correlationFromMoments, correlationFromCovariance, liveStd, DEFAULT_DEAD_REL, type CorrelationResult } from './correlation';
export { linearCka, linearCkaFromMoments, linearCkaFromCovariances, ckaMatrix } from './cka';
