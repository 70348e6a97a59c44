import { describe, expect, it } from 'vitest';
import { useStudio } from './store';
import { STAGES } from './stages';

describe('studio store', () => {
  it('starts on the first stage with no GPU', () => {
    const s = useStudio.getState();
    expect(s.activeStage).toBe(STAGES[0].id);
    expect(s.gpuStatus).toBe('idle');
  });

  it('keeps only serialisable data', () => {
    useStudio.getState().setGpu('unavailable', null, { code: 'WEBGPU_UNAVAILABLE', message: 'no adapter' });
    useStudio.getState().setActiveStage('cka');
    const data = Object.fromEntries(Object.entries(useStudio.getState()).filter(([, v]) => typeof v !== 'function'));
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(useStudio.getState().activeStage).toBe('cka');
  });
});
