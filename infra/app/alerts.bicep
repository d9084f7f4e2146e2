// Azure Monitor log alerts on the function's structured events. The function logs each event as
// one JSON message, {"event": "<name>", ...fields}, through the Functions host into Application
// Insights, whose workspace keeps it in AppTraces (column Message). Each rule runs its query over
// the last 5 minutes, every 5 minutes, and fires on one matching row; it resolves by itself once a
// window has none. docs/operations.md says what each one means and what to do.
param location string
param tags object
@description('Prefix of the alert rules\' names (no colons, slashes or other characters alert rule names refuse).')
param namePrefix string
param actionGroupName string
@description('E-mail address the alerts go to; empty: no action group (the alerts show in Azure Monitor only).')
param alertEmail string
@description('The Log Analytics workspace of the function\'s Application Insights.')
param logAnalyticsName string

var sendEmail = !empty(alertEmail)

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

// An action group only with somewhere to send: one with no receiver would notify no one.
resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (sendEmail) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'entguard'
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroupIds = sendEmail ? [actionGroup!.id] : []

// The callout failed unexpectedly (INTERNAL) or Graph refused the resume (GRAPH.REJECTED):
// handle-callout.ts logs those, and only those, as callout.failed.
var calloutFailedQuery = '''
AppTraces
| where Message contains "callout.failed"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "callout.failed"
| project TimeGenerated, code = tostring(ev.code), message = tostring(ev.message), invocationId = tostring(ev.correlation.invocationId), OperationId
'''

// The sweep settled a callout that no delivery settled within STUCK_AFTER: the relay's path to
// the function (or the function's answers to it) is failing.
var calloutSweptQuery = '''
AppTraces
| where Message contains "callout.swept"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "callout.swept"
| project TimeGenerated, Message, OperationId
'''

// Any event whose error code is one of the ledger's (LEDGER.*), whatever the event's name:
// a callout deferred because the ledger was unavailable, a sweep or purge that could not run.
var ledgerErrorQuery = '''
AppTraces
| where Message contains "LEDGER."
| extend ev = parse_json(Message)
| where tostring(ev.code) startswith "LEDGER."
| project TimeGenerated, eventName = tostring(ev["event"]), code = tostring(ev.code), message = tostring(ev.message), OperationId
'''

// The sweep of stuck callouts failed (src/sweep/sweep.ts): a whole run (callout.sweep-run-failed:
// the listing failed, e.g. Graph refused it for a missing permission, so nothing stuck is settled)
// or one stuck request (callout.sweep-failed, with its ids). Either way requests the relay did not
// deliver may wait until Entra's callback window runs out.
var sweepFailedQuery = '''
AppTraces
| where Message contains "callout.sweep-run-failed" or Message contains "callout.sweep-failed"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) in ("callout.sweep-run-failed", "callout.sweep-failed")
| project TimeGenerated, eventName = tostring(ev["event"]), code = tostring(ev.code), message = tostring(ev.message), requestId = tostring(ev.requestId), stageInstanceId = tostring(ev.stageInstanceId), OperationId
'''

// The ledger's retention purge failed (src/ledger/purge-old-entries.ts, ledger.purge-failed),
// whatever its code: nothing is lost (the next run deletes what this one did not), but entries
// stay past LEDGER_RETENTION_DAYS while it keeps failing.
var retentionFailedQuery = '''
AppTraces
| where Message contains "ledger.purge-failed"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "ledger.purge-failed"
| project TimeGenerated, code = tostring(ev.code), message = tostring(ev.message), cause = tostring(ev.cause), retentionDays = toint(ev.retentionDays), OperationId
'''

// A PIM activation's evaluation failed unexpectedly (INTERNAL): src/pim/handle-activation.ts logs
// those, and only those, as pim.failed; PIM got no decision from entitlement-guard.
var pimFailedQuery = '''
AppTraces
| where Message contains "pim.failed"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "pim.failed"
| project TimeGenerated, code = tostring(ev.code), message = tostring(ev.message), callerAppId = tostring(ev.callerAppId), invocationId = tostring(ev.correlation.invocationId), OperationId
'''

// A fresh workspace may not resolve AppTraces until the first telemetry arrives, so the service's
// query validation is skipped at creation (the tests check every query names the table and event).
resource calloutFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-callout-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'entitlement-guard: a callout failed'
    description: 'callout.failed: a callout ended in an unexpected error or Graph refused the resume. Entra retries or times the request out. See docs/operations.md.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: calloutFailedQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource calloutSwept 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-callout-swept'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'entitlement-guard: the sweep settled a callout'
    description: 'callout.swept: a callout was settled by the sweep, not by its delivery: the path from Entra through the relay to the function is failing. See docs/operations.md.'
    severity: 2
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: calloutSweptQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource ledgerErrors 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-ledger-errors'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'entitlement-guard: the decision ledger failed'
    description: 'An event with a LEDGER.* error code: the decision ledger (Azure Table storage) could not be read or written. See docs/operations.md.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: ledgerErrorQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource sweepFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-sweep-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'entitlement-guard: the sweep failed'
    description: 'callout.sweep-run-failed or callout.sweep-failed: the sweep of stuck callouts could not run (e.g. a Graph permission is missing) or could not settle a stuck request, which may then wait until Entra\'s callback window runs out. See docs/operations.md.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: sweepFailedQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource retentionFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-retention-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'entitlement-guard: the ledger retention purge failed'
    description: 'ledger.purge-failed: the timer that deletes decision ledger entries older than LEDGER_RETENTION_DAYS failed. Nothing is lost; the next run deletes what this one did not. See docs/operations.md.'
    severity: 2
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: retentionFailedQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

resource pimFailed 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-pim-failed'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'entitlement-guard: a PIM evaluation failed'
    description: 'pim.failed: a PIM custom extension call (POST /api/pim) ended in an unexpected error, so PIM got no decision for that activation. See docs/operations.md.'
    severity: 1
    enabled: true
    scopes: [
      workspace.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: pimFailedQuery
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    skipQueryValidation: true
    actions: {
      actionGroups: actionGroupIds
    }
  }
}

output ruleNames array = [
  calloutFailed.name
  calloutSwept.name
  ledgerErrors.name
  sweepFailed.name
  retentionFailed.name
  pimFailed.name
]
