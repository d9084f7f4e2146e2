// The emulator's Graph type index is what `npm run graph-types` writes from the installed published types.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { buildGraphTypeIndex, graphTypeIndexText } from '../../scripts/graph-types/graph-type-index.js';

const committed = readFileSync(new URL('../../emulator/graph/graph-type-index.json', import.meta.url), 'utf8');
const index = buildGraphTypeIndex();

describe('emulator/graph/graph-type-index.json', () => {
  test('is what the installed @microsoft/microsoft-graph-types and -beta give (else: run npm run graph-types)', () => {
    const fresh = graphTypeIndexText(index);
    expect(committed === fresh, 'emulator/graph/graph-type-index.json is out of date: run npm run graph-types').toBe(true);
  });

  test('names the packages it came from, and describes types with their namespace and inherited properties', () => {
    expect(Object.keys(index.generatedFrom)).toEqual(['@microsoft/microsoft-graph-types', '@microsoft/microsoft-graph-types-beta']);
    const v1 = index.versions['v1.0'].types;
    expect(v1['microsoft.graph.accessPackageAssignmentRequestWorkflowExtension']).toMatchObject({
      base: 'microsoft.graph.customCalloutExtension',
      properties: { id: 'string', callbackConfiguration: 'object:microsoft.graph.customExtensionCallbackConfiguration', endpointConfiguration: 'object:microsoft.graph.customExtensionEndpointConfiguration' },
    });
    expect(v1['microsoft.graph.identityGovernance.customTaskExtensionCallbackConfiguration']?.properties).toEqual({ authorizedApps: 'object:microsoft.graph.application[]', timeoutDuration: 'string' });
    expect(v1['microsoft.graph.customExtensionCallbackConfiguration']?.properties).toEqual({ timeoutDuration: 'string' });
    expect(v1['microsoft.graph.accessPackageAssignmentRequest']?.properties['state']).toBe('enum:microsoft.graph.accessPackageRequestState');
    expect(index.versions['v1.0'].enums['microsoft.graph.accessPackageRequestState']).toContain('pendingApproval');
    expect(index.versions.beta.types['microsoft.graph.accessPackageAssignmentRequest']?.properties).toHaveProperty('requestState', 'string');
  });
});
