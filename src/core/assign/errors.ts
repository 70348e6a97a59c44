/** Errors of the assignment solvers. */
import { defineError } from '../errors';

/** An invariant of a solver broke; this is a bug, the message says which. */
export const InternalAssignError = defineError('ASSIGN_INTERNAL');
/** A solution could not be certified optimal within the stated tolerance. */
export const CertificateError = defineError('ASSIGN_CERTIFICATE');
