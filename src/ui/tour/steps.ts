/** The guided tour of the demo: one short explanation per step, each shown next to its stage. */
import type { StageId } from '../../state/stages';

export interface TourStep {
  title: string;
  stage: StageId;
  body: string[];
  /** What to click in the panel for this step. */
  todo?: string;
}

export const TOUR: TourStep[] = [
  {
    title: 'The demo family', stage: 'sources',
    body: [
      'The demo has tiny models of one architecture: a base model, fine-tunes branched from it (each on one domain), and one model pre-trained independently from scratch.',
      'Symphony-MoE turns their FFNs into the experts of one Mixture-of-Experts, with a backbone fused from their other weights.',
    ],
    todo: 'Click “Load the demo family”, check the mergeability report, then Next.',
  },
  {
    title: 'Calibration text', stage: 'calibration',
    body: ['All models read the same tokens, an equal share per domain. Held-out domains stay out so that evaluation measures text the merge never saw.'],
    todo: 'Run calibration.',
  },
  {
    title: 'Why align?', stage: 'alignment',
    body: [
      'Neuron 17 of one model has no reason to mean what neuron 17 of another means. Alignment finds, per layer, the permutation of each model’s FFN neurons that best matches the anchor’s, by activation correlation (an exact assignment).',
      'The fixed-point chart is the teaching point: fine-tunes of the anchor’s base keep their neurons in place (near 1); the independent model’s are in an arbitrary order (near 0).',
      'And the function-preservation number: permuting an expert’s neurons changes nothing it computes, so the MoE’s logits are the same with or without alignment (about 1e-6).',
    ],
    todo: 'Run alignment; pick the independent model and show a permutation.',
  },
  {
    title: 'What CKA shows, and why it does not move', stage: 'cka',
    body: [
      'Linear CKA compares two representations of the same tokens, up to rotation and scale: 1 means the same information, 0 unrelated.',
      'The expert × expert heatmaps are identical before and after alignment. That is not a bug: CKA compares what experts compute, and a permutation of hidden neurons does not change it.',
    ],
    todo: 'Compute CKA and flip the before/after toggle.',
  },
  {
    title: 'Where alignment matters', stage: 'merge',
    body: [
      'Alignment matters wherever FFN weights of different models are combined: a shared expert built as the mean of the FFNs, merged or mixed experts. The “symphony-shared” baseline is that case; averaging unaligned neurons mixes unrelated features.',
      'No FFN permutation can fix a residual-stream mismatch: the independent model’s attention and embeddings still disagree with the others’ when averaged.',
    ],
    todo: 'Build the models with the baselines.',
  },
  {
    title: 'What the router learns', stage: 'train',
    body: [
      'The new router picks top-k experts per token. Training minimises the LM loss plus λ times a balancing loss whose value is top_k when every expert gets an equal share.',
      'Watch the aux loss approach its reference line and the expert load even out across layers.',
    ],
    todo: 'Train the Symphony MoE’s router.',
  },
  {
    title: 'Routing follows the domain', stage: 'evaluate',
    body: ['After training, each domain’s tokens should go mostly to the expert that came from that domain’s source. The routing heatmap and the token view show it.'],
    todo: 'Evaluate all models; route some code and some maths.',
  },
];
