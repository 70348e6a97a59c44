/** Applying neuron permutations to weights, the function-preservation check, diagnostics. */
export { permuteAxis, applyPermutation, permuteSwiGlu, SWIGLU_HIDDEN_AXES, type AxisBinding, type TensorRef, type SwiGluFfn } from './apply';
export { swigluForward, functionPreservation, type PreservationReport } from './ffn';
export { alignmentDiagnostics, matchedCorrelations, histogram, ffnCosine, type AlignmentDiagnostics, type Histogram } from './diagnostics';
