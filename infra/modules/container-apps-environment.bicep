// The Container Apps environment: console and system logs to Log Analytics; the managed OpenTelemetry agent
// sends the apps' OTLP traces and logs to Application Insights. The agent sets OTEL_EXPORTER_OTLP_ENDPOINT in
// every app, which is what ServiceDefaults exports to. (Application Insights takes no OTLP metrics from the
// agent; metrics stay in the apps unless an OTLP metrics destination is added here.)
param location string
param tags object
param name string
param logAnalyticsName string
param applicationInsightsName string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: logAnalyticsName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// A preview API version: the GA versions have neither openTelemetryConfiguration nor appInsightsConfiguration.
resource environment 'Microsoft.App/managedEnvironments@2025-10-02-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
    appInsightsConfiguration: {
      connectionString: applicationInsights.properties.ConnectionString
    }
    openTelemetryConfiguration: {
      tracesConfiguration: { destinations: ['appInsights'] }
      logsConfiguration: { destinations: ['appInsights'] }
    }
  }
}

output name string = environment.name
