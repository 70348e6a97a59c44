/** Applying neuron permutations to weights, the function-preservation check, diagnostics. */
export { permuteAxis, applyPermutation, permuteSwiGlu, permuteFfnFields, ffnAxes, type AxisBinding, type FfnAxis, type FfnField, type TensorRef, type SwiGluFfn } from './apply';
export { swigluForward, functionPreservation, type PreservationReport } from './ffn';
export { alignmentDiagnostics, matchedCorrelations, histogram, ffnCosine, type AlignmentDiagnostics, type Histogram } from './diagnostics';
