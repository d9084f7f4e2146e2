/**
 * JSON Schemas of the callout bodies, over lower-cased keys (see canonical-keys.ts). They check
 * types and bounds; which fields a stage requires is checked while normalizing, where the error
 * can say why. Unknown fields are allowed: Entra adds fields over time.
 */
const text = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const id = text(128);
const name = text(1024);
const localized = { anyOf: [text(4096), { type: 'object', properties: { defaulttext: text(4096) } }] } as const;
const nullableObject = (properties: Record<string, unknown>) => ({ type: ['object', 'null'], properties }) as const;

const named = nullableObject({ id, displayname: name, description: text(4096) });

const subject = nullableObject({
  objectid: id,
  id,
  displayname: name,
  principalname: name,
  userprincipalname: name,
  email: name,
  subjecttype: text(64),
  type: text(64),
});

const answer = {
  type: 'object',
  properties: {
    value: { type: ['string', 'number', 'boolean', 'null'], maxLength: 4096 },
    displayvalue: localized,
    question: nullableObject({ id, text: localized }),
  },
} as const;

/** Entitlement management: every stage, flat or inside the `data` of a wrapper. */
export const elmCalloutSchema = {
  $id: 'entitlement-guard/elm-callout',
  type: 'object',
  properties: {
    stage: text(128),
    customextensionstageinstanceid: id,
    callbackuripath: text(2048),
    accesspackageassignmentrequestid: id,
    requesttype: text(64),
    state: text(64),
    status: text(256),
    callbackconfiguration: nullableObject({ durationbeforetimeout: text(64), timeoutduration: text(64) }),
    accesspackage: named,
    accesspackagecatalog: named,
    assignment: nullableObject({
      id,
      state: text(64),
      status: text(256),
      targetid: id,
      target: subject,
      assignmentpolicy: named,
      accesspackageassignmentpolicy: named,
    }),
    requestor: subject,
    answers: { type: ['array', 'null'], maxItems: 200, items: answer },
  },
} as const;

/** Lifecycle Workflows custom task extension: the `data` of the wrapper. */
export const lcwCalloutSchema = {
  $id: 'entitlement-guard/lcw-callout',
  type: 'object',
  required: ['taskprocessingresult'],
  properties: {
    callbackuripath: text(2048),
    subject: {
      type: ['object', 'null'],
      properties: {
        id,
        displayname: name,
        email: name,
        userprincipalname: name,
        manager: nullableObject({ id, displayname: name, email: name }),
      },
    },
    task: named,
    taskprocessingresult: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', maxLength: 128 }, createddatetime: text(64) },
    },
    workflow: {
      type: ['object', 'null'],
      properties: { id, displayname: name, workflowversion: { type: ['integer', 'string', 'null'], maxLength: 16 } },
    },
  },
} as const;
