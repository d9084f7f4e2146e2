import type { ErrorObject } from 'ajv';
import { AppError } from '../errors.js';
import type { Answer, CalloutRequest, CalloutShape, ElmRequestCallout, LcwTaskCallout, Named, Subject } from '../callout/model.js';
import { stageCapabilities, type StageCapabilities } from '../stages.js';
import { parseJsonBody } from './body.js';
import { asciiLower } from '../ascii.js';
import { parseGuid, type Guid } from '../guid.js';
import { elmResumeTarget, lcwResumeTarget } from './callback-path.js';
import { isJsonObject, lowerCaseKeys, type JsonObject, type JsonValue } from './canonical-keys.js';
import { compileCalloutValidators } from './callout-validators.js';

/** Turns a raw callout body into the one typed model, whatever spelling it arrived in. */
export interface CalloutParser {
  parse(body: Uint8Array, contentType: string | null): CalloutRequest;
}

const STAGE_TYPE_PREFIX = 'microsoft.graph.accesspackagecustomextensionstage.';

function invalid(message: string, details?: Record<string, string>): AppError {
  return new AppError('CALLOUT.INVALID_BODY', message, details === undefined ? {} : { details });
}

function schemaError(errors: ErrorObject[] | null | undefined): AppError {
  const first = errors?.[0];
  const where = first?.instancePath === undefined || first.instancePath === '' ? 'the body' : first.instancePath;
  return invalid(`The callout body does not match the callout schema: ${where} ${first?.message ?? 'is invalid'}.`, {
    path: where,
  });
}

function str(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function obj(value: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

function localizedText(value: JsonValue | undefined): string | undefined {
  return str(value) ?? str(obj(value)?.['defaulttext']);
}

/**
 * An id the body gives: a GUID, or absent (null, missing or empty: Entra sends many members as
 * null). Anything else refuses the callout, naming the field, before any Graph call (docs/protocol.md §10).
 */
function optionalId(o: JsonObject | undefined, key: string, field: string): Guid | undefined {
  const value = o?.[key];
  if (value === undefined || value === null || value === '') return undefined;
  const id = parseGuid(value);
  if (id === undefined) throw invalid(`${field} is not a GUID.`, { field });
  return id;
}

function named(value: JsonValue | undefined, field: string): Named | undefined {
  const o = obj(value);
  return o === undefined ? undefined : { id: optionalId(o, 'id', `${field}.id`), displayName: str(o['displayname']) };
}

/** Entitlement management names the directory object `ObjectId`; its `Id` is the subject record. */
function elmSubject(value: JsonValue | undefined, field: string): Subject | undefined {
  const o = obj(value);
  if (o === undefined) return undefined;
  return {
    objectId: optionalId(o, 'objectid', `${field}.objectId`),
    displayName: str(o['displayname']),
    principalName: str(o['principalname']) ?? str(o['userprincipalname']),
    email: str(o['email']),
    subjectType: str(o['subjecttype']) ?? str(o['type']),
  };
}

function answers(value: JsonValue | undefined): Answer[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((a) => {
    const question = obj(a['question']);
    return {
      questionId: str(question?.['id']),
      questionText: localizedText(question?.['text']),
      value: str(a['value']),
      displayValue: localizedText(a['displayvalue']),
    };
  });
}

function lowerFirst(value: string | undefined): string | undefined {
  return value === undefined ? undefined : asciiLower(value.charAt(0)) + value.slice(1);
}

function requiredStageInstanceId(data: JsonObject): Guid {
  const id = optionalId(data, 'customextensionstageinstanceid', 'customExtensionStageInstanceId');
  if (id === undefined) throw invalid('The callout has no CustomExtensionStageInstanceId.', { field: 'customExtensionStageInstanceId' });
  return id;
}

function elmStage(data: JsonObject, wrapperType: string | undefined): StageCapabilities {
  let name = str(data['stage']);
  if (name === undefined && wrapperType !== undefined && asciiLower(wrapperType).startsWith(STAGE_TYPE_PREFIX)) {
    name = wrapperType.slice(STAGE_TYPE_PREFIX.length);
  }
  if (name === undefined) throw invalid('The callout names no stage.', { field: 'stage' });
  const caps = stageCapabilities(name);
  if (caps === undefined) {
    throw new AppError('CALLOUT.UNKNOWN_STAGE', `The callout stage "${name.slice(0, 80)}" is not one entitlement-guard knows.`, {
      details: { stage: name.slice(0, 80) },
    });
  }
  return caps;
}

function requestCallout(data: JsonObject, caps: StageCapabilities, shape: CalloutShape, stageInstanceId: Guid): ElmRequestCallout {
  const requestId = optionalId(data, 'accesspackageassignmentrequestid', 'accessPackageAssignmentRequestId');
  if (requestId === undefined) {
    throw invalid(`A ${caps.stage} callout must name its AccessPackageAssignmentRequestId.`, { field: 'accessPackageAssignmentRequestId' });
  }
  const assignment = obj(data['assignment']);
  const assignmentId = optionalId(assignment, 'id', 'assignment.id');
  const callbackPath = str(data['callbackuripath']);
  const callback = obj(data['callbackconfiguration']);
  // Every id is checked before the callback path is compared with them: a bad id is named as such.
  const accessPackage = named(data['accesspackage'], 'accessPackage');
  const catalog = named(data['accesspackagecatalog'], 'accessPackageCatalog');
  const assignmentPolicy = named(assignment?.['assignmentpolicy'], 'assignment.assignmentPolicy') ?? named(assignment?.['accesspackageassignmentpolicy'], 'assignment.accessPackageAssignmentPolicy');
  const target = elmSubject(assignment?.['target'], 'assignment.target');
  const requestor = elmSubject(data['requestor'], 'requestor');
  const asSent = str(data['customextensionstageinstanceid']);
  return {
    kind: 'elm-request',
    shape,
    stage: caps.stage,
    stageInstanceId,
    ...(asSent !== undefined && asSent !== stageInstanceId ? { stageInstanceIdAsSent: asSent } : {}),
    requestId,
    // No path: launch-and-continue, nobody waits for us.
    resume: callbackPath === undefined ? null : elmResumeTarget(callbackPath, requestId, assignmentId),
    callbackTimeout: str(callback?.['durationbeforetimeout']) ?? str(callback?.['timeoutduration']),
    requestType: lowerFirst(str(data['requesttype'])),
    state: str(data['state']),
    status: str(data['status']),
    accessPackage,
    catalog,
    assignmentId,
    assignmentPolicy,
    target,
    requestor,
    answers: answers(data['answers']),
  };
}

function elmCallout(data: JsonObject, shape: CalloutShape, wrapperType: string | undefined): CalloutRequest {
  const caps = elmStage(data, wrapperType);
  const stageInstanceId = requiredStageInstanceId(data);
  switch (caps.calloutKind) {
    case 'connection-test': {
      // Nothing of it is used but the catalog, yet an id it carries is held to the same rule: a body is refused the same way at every stage.
      optionalId(data, 'accesspackageassignmentrequestid', 'accessPackageAssignmentRequestId');
      named(data['accesspackage'], 'accessPackage');
      return { kind: 'connection-test', shape, stage: 'customExtensionConnectionTest', stageInstanceId, catalog: named(data['accesspackagecatalog'], 'accessPackageCatalog') };
    }
    case 'elm-assignment': {
      const assignment = obj(data['assignment']);
      // Not used at these stages, but checked like every id a body carries.
      elmSubject(data['requestor'], 'requestor');
      named(assignment?.['assignmentpolicy'], 'assignment.assignmentPolicy');
      return {
        kind: 'elm-assignment',
        shape,
        stage: caps.stage,
        stageInstanceId,
        requestId: optionalId(data, 'accesspackageassignmentrequestid', 'accessPackageAssignmentRequestId'),
        accessPackage: named(data['accesspackage'], 'accessPackage'),
        catalog: named(data['accesspackagecatalog'], 'accessPackageCatalog'),
        assignmentId: optionalId(assignment, 'id', 'assignment.id'),
        target: elmSubject(assignment?.['target'], 'assignment.target'),
      };
    }
    case 'elm-request':
      return requestCallout(data, caps, shape, stageInstanceId);
  }
}

function lcwCallout(data: JsonObject): LcwTaskCallout {
  const taskProcessingResultId = optionalId(obj(data['taskprocessingresult']), 'id', 'taskProcessingResult.id');
  if (taskProcessingResultId === undefined) {
    throw invalid('taskProcessingResult.id is not a GUID.', { field: 'taskProcessingResult.id' });
  }
  const subject = obj(data['subject']);
  const workflow = obj(data['workflow']);
  const workflowId = optionalId(workflow, 'id', 'workflow.id');
  const task = named(data['task'], 'task');
  const subjectId = optionalId(subject, 'id', 'subject.id');
  const managerId = optionalId(obj(subject?.['manager']), 'id', 'subject.manager.id');
  const version = workflow?.['workflowversion'];
  const callbackPath = str(data['callbackuripath']);
  return {
    kind: 'lcw-task',
    shape: 'lifecycle-workflows',
    taskProcessingResultId,
    resume: callbackPath === undefined ? null : lcwResumeTarget(callbackPath, { taskProcessingResultId, workflowId, taskId: task?.id }),
    subject:
      subject === undefined
        ? undefined
        : {
            objectId: subjectId,
            displayName: str(subject['displayname']),
            principalName: str(subject['userprincipalname']),
            email: str(subject['email']),
            subjectType: 'user',
          },
    managerId,
    task,
    workflow: workflow === undefined ? undefined : { id: workflowId, displayName: str(workflow['displayname']), version: workflowVersion(version) },
  };
}

function workflowVersion(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  return typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

function flatShape(parsed: object): CalloutShape {
  return Object.keys(parsed).some((key) => /^[A-Z]/.test(key)) ? 'flat-pascal' : 'flat-camel';
}

export function createCalloutParser(): CalloutParser {
  const { elm: validateElm, lcw: validateLcw } = compileCalloutValidators();

  return {
    parse(body, contentType) {
      const parsed = parseJsonBody(body, contentType);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw invalid('The callout body must be a JSON object.');
      }
      const root = lowerCaseKeys(parsed) as JsonObject;
      const wrapperType = str(root['type']);
      const wrapped = isJsonObject(root['data']) && (wrapperType !== undefined || str(root['source']) !== undefined);
      const data = wrapped ? (root['data'] as JsonObject) : root;
      if ((wrapperType !== undefined && asciiLower(wrapperType) === 'lifecycleevent') || 'taskprocessingresult' in data) {
        if (!validateLcw(data)) throw schemaError(validateLcw.errors);
        return lcwCallout(data);
      }
      if (!validateElm(data)) throw schemaError(validateElm.errors);
      return elmCallout(data, wrapped ? 'wrapped' : flatShape(parsed), wrapped ? wrapperType : undefined);
    },
  };
}
