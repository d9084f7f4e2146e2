// An Azure Monitor workbook over the function's decision events (AppTraces in the Log Analytics
// workspace of its Application Insights): decisions over time by decision and outcome (the
// callouts' callout.decided and the sweep's own callout.swept), and from callout.decided alone,
// denials by check and by separation-of-duties rule, and the 95th percentile of the decision time.
// It is listed under Application Insights → Workbooks and under Azure Monitor → Workbooks.
param location string
param tags object
param displayName string
@description('The Log Analytics workspace the queries run in.')
param logAnalyticsName string
@description('The Application Insights resource the workbook belongs to (its sourceId).')
param applicationInsightsName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Every decision the function made, once: a callout's (callout.decided) and the sweep's own
// (callout.swept with adopted false: a stuck request it evaluated afresh, decidedBy sweeper). A
// sweep that carried out an entry already in the ledger (adopted true) decided nothing. A callout is
// counted once, by its first event in the range: its stage instance (or task processing result)
// identifies it across deliveries, so neither a repeated delivery nor a late delivery carrying out
// the sweep's entry counts it again. Operators' decisions are left out: npm run resume runs on the
// operator's machine and logs nothing here, and a delivery carrying one out (ledger.decidedBy
// operator) is not counted either.
// Traces are not sampled (host.json), so each event is one row.
var decisionsOverTimeQuery = '''
AppTraces
| where Message contains "callout.decided" or Message contains "callout.swept"
| extend ev = parse_json(Message)
| extend eventName = tostring(ev["event"])
| where (eventName == "callout.decided" and tostring(ev.ledger.decidedBy) != "operator") or (eventName == "callout.swept" and tostring(ev.adopted) == "false")
| extend calloutId = tolower(coalesce(tostring(ev.callout.stageInstanceId), tostring(ev.callout.taskProcessingResultId), tostring(ev.stageInstanceId), tostring(ev.correlation.invocationId)))
| extend decision = tostring(ev.decision), outcome = tostring(ev.outcome)
| summarize arg_min(TimeGenerated, eventName, decision, outcome) by calloutId
| extend series = strcat(decision, " (", outcome, iff(eventName == "callout.swept", ", by the sweep", ""), ")")
| summarize decisions = count() by bin(TimeGenerated, {TimeRange:grain}), series
| order by TimeGenerated asc
'''

// A denied callout counted once per check that denied it (a deny can have several reasons);
// the stage instance (or task processing result) identifies the callout across deliveries.
var denialsByCheckQuery = '''
AppTraces
| where Message contains "callout.decided"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "callout.decided" and tostring(ev.decision) == "deny"
| extend calloutId = coalesce(tostring(ev.callout.stageInstanceId), tostring(ev.callout.taskProcessingResultId), tostring(ev.correlation.invocationId))
| mv-expand run = ev.checks
| mv-expand finding = run.findings
| where tostring(finding.kind) != "notice" and tostring(finding.action) == "deny" and tobool(finding.enforced)
| summarize denials = dcount(calloutId) by checkId = tostring(finding.checkId)
| order by denials desc
'''

var denialsBySodRuleQuery = '''
AppTraces
| where Message contains "callout.decided"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "callout.decided" and tostring(ev.decision) == "deny"
| extend calloutId = coalesce(tostring(ev.callout.stageInstanceId), tostring(ev.callout.taskProcessingResultId), tostring(ev.correlation.invocationId))
| mv-expand run = ev.checks
| where tostring(run.id) == "separation-of-duties"
| mv-expand finding = run.findings
| where tostring(finding.kind) == "violation" and tostring(finding.action) == "deny" and tobool(finding.enforced)
| extend rule = strcat(tostring(finding.data.ruleId), " ", tostring(finding.data.title))
| summarize denials = dcount(calloutId) by rule
| order by denials desc
'''

// The connection test decides nothing and is left out.
var decisionTimeQuery = '''
AppTraces
| where Message contains "callout.decided"
| extend ev = parse_json(Message)
| where tostring(ev["event"]) == "callout.decided" and tostring(ev.outcome) != "connection-test"
| extend totalMs = todouble(ev.timings.totalMs)
| summarize p95Ms = percentile(totalMs, 95), p50Ms = percentile(totalMs, 50) by bin(TimeGenerated, {TimeRange:grain})
| order by TimeGenerated asc
'''

// Every query item runs in the workspace (its AppTraces table), within the TimeRange parameter.
var queryTarget = {
  queryType: 0
  resourceType: 'microsoft.operationalinsights/workspaces'
  crossComponentResources: [
    workspace.id
  ]
  timeContextFromParameter: 'TimeRange'
  timeContext: {
    durationMs: 86400000
  }
  size: 0
}

var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'about'
      content: {
        json: '## ${displayName}\nThe decisions the function made. **Decisions over time** counts each callout once: those decided on delivery (`callout.decided`) and the stuck requests the sweep decided afresh (`callout.swept` with `adopted` false, shown as *by the sweep*); a sweep that carried out a decision already in the ledger decided nothing new. The other charts read `callout.decided` only: the sweep logs no checks or timings. Decisions an operator made with `npm run resume` are not counted: it runs on the operator\'s machine and does not log to Application Insights, and a later delivery that carries one out is left out too (the decision ledger keeps them, `decidedBy: operator`; see `npm run decisions`). Alerts: see docs/operations.md.'
      }
    }
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        parameters: [
          {
            id: 'c7b4a2d0-1e5f-4a39-9b8e-2f6d3c1a0e57'
            version: 'KqlParameterItem/1.0'
            name: 'TimeRange'
            label: 'Time range'
            type: 4
            isRequired: true
            value: {
              durationMs: 86400000
            }
            typeSettings: {
              selectableValues: [
                { durationMs: 3600000 }
                { durationMs: 14400000 }
                { durationMs: 86400000 }
                { durationMs: 604800000 }
                { durationMs: 2592000000 }
              ]
              allowCustom: true
            }
          }
        ]
      }
    }
    {
      type: 3
      name: 'decisions-over-time'
      content: union(queryTarget, {
        version: 'KqlItem/1.0'
        title: 'Decisions over time, by decision (outcome): callouts and the sweep, each callout once'
        query: decisionsOverTimeQuery
        visualization: 'timechart'
      })
    }
    {
      type: 3
      name: 'denials-by-check'
      customWidth: '50'
      content: union(queryTarget, {
        version: 'KqlItem/1.0'
        title: 'Denials by check'
        query: denialsByCheckQuery
        visualization: 'barchart'
      })
    }
    {
      type: 3
      name: 'denials-by-sod-rule'
      customWidth: '50'
      content: union(queryTarget, {
        version: 'KqlItem/1.0'
        title: 'Denials by separation-of-duties rule'
        query: denialsBySodRuleQuery
        visualization: 'barchart'
      })
    }
    {
      type: 3
      name: 'decision-time'
      content: union(queryTarget, {
        version: 'KqlItem/1.0'
        title: 'Decision time (timings.totalMs): 95th and 50th percentile, ms'
        query: decisionTimeQuery
        visualization: 'timechart'
      })
    }
  ]
  fallbackResourceIds: [
    appInsights.id
  ]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource decisions 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name is a GUID; this one is stable for the Application Insights resource.
  name: guid(appInsights.id, 'entitlement-guard-decisions')
  location: location
  // The portal shows a workbook's hidden-title tag as its name in resource lists.
  tags: union(tags, { 'hidden-title': displayName })
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsights.id
    version: 'Notebook/1.0'
    serializedData: string(workbookContent)
  }
}

output id string = decisions.id
