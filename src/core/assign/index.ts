/** Exact linear assignment (maximising total score) with optimality certificates. */
export { solveLap, solveLapAsync, type AsyncLapOptions, type FlaggedRows, type LapCertifier, type LapOptions, type LapResult, type LapStats } from './hybrid';
export { solveDenseLap, type DenseLapOptions } from './dense';
export { certify, defaultTolerance, type Certificate } from './certificate';
export { bestK, buildCandidateGraph, type BestK, type CandidateGraph } from './candidates';
export { partialPermutation, type ConflictRule, type PartialAlignment } from './partial';
export { bruteForceLap } from './brute';
export { makeMatrix, mulberryAt, seededPermutation, permutationChecksum, MATRIX_KINDS, type MatrixKind } from './generators';
export { assignmentObjective, invertPermutation, isPermutation, type LapSolution, type ScoreMatrix } from './types';
export { InternalAssignError, CertificateError } from './errors';
