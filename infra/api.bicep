// The Api's container app, deployed by `azd deploy` with the image it has just pushed (azd reads api.bicepparam).
// Each new revision first runs the same image with --migrate-only as an init container: the schema is migrated
// before the revision's first replica starts, and EF Core's migration lock makes concurrent replicas take turns.
import { secrets, environment, probes } from 'modules/app-settings.bicep'

param location string = resourceGroup().location
param environmentName string
param containerAppsEnvironmentName string
param identityId string
param registryServer string
param keyVaultUri string
param imageName string
param aiConfigured bool

@minValue(1)
@description('Replicas kept running: the Api serves SSE streams and Socket.IO, so it never scales to zero.')
param minReplicas int = 1

@minValue(1)
param maxReplicas int = 10

@description('Concurrent HTTP requests per replica above which the HTTP scale rule adds a replica.')
param concurrentRequestsPerReplica int = 200

// The .NET images listen on 8080 (ASPNETCORE_HTTP_PORTS) as the non-root user.
var port = 8080
var appEnvironment = concat(environment('api', aiConfigured), [
  { name: 'Jwt__Key', secretRef: 'jwt-key' }
  // Ingress terminates TLS; the app sees the original scheme and client address through X-Forwarded-*.
  { name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED', value: 'true' }
  // The gen0 budget the AppHost gives the Api (README "Performance: the HTTP hot paths"); read from the environment only.
  { name: 'DOTNET_GCgen0size', value: '0x4000000' }
])
var resources = { cpu: json('0.5'), memory: '1Gi' }

resource containerAppsEnvironment 'Microsoft.App/managedEnvironments@2025-01-01' existing = {
  name: containerAppsEnvironmentName
}

resource api 'Microsoft.App/containerApps@2025-01-01' = {
  name: 'api'
  location: location
  tags: { 'azd-env-name': environmentName, 'azd-service-name': 'api' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: containerAppsEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: [{ server: registryServer, identity: identityId }]
      secrets: secrets(keyVaultUri, identityId, aiConfigured)
    }
    template: {
      initContainers: [
        {
          name: 'migrate'
          image: imageName
          args: ['--migrate-only']
          env: appEnvironment
          resources: resources
        }
      ]
      containers: [
        {
          name: 'api'
          image: imageName
          env: appEnvironment
          resources: resources
          probes: probes(port)
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: { metadata: { concurrentRequests: string(concurrentRequestsPerReplica) } }
          }
        ]
      }
    }
  }
}

output API_URL string = 'https://${api.properties.configuration.ingress.fqdn}'
