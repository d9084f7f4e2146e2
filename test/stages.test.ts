import { describe, expect, test } from 'vitest';
import { ELM_STAGES, stageCapabilities, stageMayDeny } from '../src/stages.js';

describe('stage capabilities (docs/protocol.md §5)', () => {
  test.each([
    ['assignmentRequestCreated', true, true, 'v1.0'],
    ['assignmentRequestDeterminingApprovalRequirements', true, false, 'beta'],
    ['assignmentRequestApproved', true, false, 'v1.0'],
    ['assignmentRequestGranted', true, false, 'v1.0'],
    ['assignmentRequestRemoved', true, false, 'v1.0'],
    ['assignmentFourteenDaysBeforeExpiration', false, false, undefined],
    ['assignmentOneDayBeforeExpiration', false, false, undefined],
    ['CustomExtensionConnectionTest', false, false, undefined],
  ])('%s: resume %s, deny %s, %s', (stage, canResume, canDeny, version) => {
    const caps = stageCapabilities(stage);
    expect(caps?.canResume).toBe(canResume);
    expect(caps === undefined ? undefined : stageMayDeny(caps, false)).toBe(canDeny);
    expect(caps?.apiVersion).toBe(version);
  });

  test('the approved stage denies only when configured', () => {
    const caps = stageCapabilities('assignmentRequestApproved');
    expect(caps && stageMayDeny(caps, true)).toBe(true);
  });

  test('every stage that can resume has a version and a resume type; the others have none', () => {
    for (const stage of ELM_STAGES) {
      const caps = stageCapabilities(stage);
      expect(caps?.apiVersion !== undefined).toBe(caps?.canResume);
      expect(caps?.resumeTypeStage !== undefined).toBe(caps?.canResume);
    }
  });

  test('unknown stages are unknown', () => {
    expect(stageCapabilities('assignmentRequestExploded')).toBeUndefined();
  });
});
