// The Worker's container app, deployed by `azd deploy` after the Api (azure.yaml: uses api), so the Api's
// migration init container has run. No ingress: the probes reach /alive and /health on the container's port.
// KEDA scales it on the job streams: for every job kind, one rule on the consumer group's pending entries
// (jobs Workers hold) and one on its lag (jobs no Worker has read yet). Replicas = the largest demand of any rule.
import { secrets, environment, probes } from 'modules/app-settings.bicep'

param location string = resourceGroup().location
param environmentName string
param containerAppsEnvironmentName string
param identityId string
param registryServer string
param keyVaultUri string
param imageName string
param aiConfigured bool
param redisHost string
param redisPort int

@minValue(1)
@description('Never 0: delayed jobs and the reconciler run inside Workers, and the stream rules cannot see delayed jobs.')
param minReplicas int = 1

@minValue(1)
param maxReplicas int = 10

@minValue(1)
@description('Jobs one Worker runs at once (Jobs:Concurrency); also the pending entries per replica the scale rules aim at.')
param jobConcurrency int = 32

@minValue(1)
@description('Unread jobs of one kind per replica above which a replica is added.')
param lagPerReplica int = 10

// One stream per job kind: ContentPlatform.Generation/JobKinds.cs (a test keeps this list in step with it).
// Keys follow Jobs:KeyPrefix "jobs:" and the consumer group "workers" of ContentPlatform.Jobs/JobProtocol.cs.
var jobKinds = [
  'generate-content'
  'website-analysis'
  'content-generation'
  'content-calendar'
]
var streamKeyPrefix = 'jobs:stream:'
var consumerGroup = 'workers'

var port = 8080
var resources = { cpu: json('0.5'), memory: '1Gi' }

var redisScaler = {
  address: '${redisHost}:${redisPort}'
  enableTLS: 'true'
  consumerGroup: consumerGroup
}
var redisAuth = [{ secretRef: 'redis-password', triggerParameter: 'password' }]

var pendingRules = map(jobKinds, kind => {
  name: '${kind}-pending'
  custom: {
    type: 'redis-streams'
    metadata: union(redisScaler, { stream: '${streamKeyPrefix}${kind}', pendingEntriesCount: string(jobConcurrency) })
    auth: redisAuth
  }
})
var lagRules = map(jobKinds, kind => {
  name: '${kind}-lag'
  custom: {
    type: 'redis-streams'
    metadata: union(redisScaler, { stream: '${streamKeyPrefix}${kind}', lagCount: string(lagPerReplica) })
    auth: redisAuth
  }
})

resource containerAppsEnvironment 'Microsoft.App/managedEnvironments@2025-01-01' existing = {
  name: containerAppsEnvironmentName
}

resource worker 'Microsoft.App/containerApps@2025-01-01' = {
  name: 'worker'
  location: location
  tags: { 'azd-env-name': environmentName, 'azd-service-name': 'worker' }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: containerAppsEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      registries: [{ server: registryServer, identity: identityId }]
      secrets: secrets(keyVaultUri, identityId, aiConfigured)
    }
    template: {
      containers: [
        {
          name: 'worker'
          image: imageName
          env: concat(environment('worker', aiConfigured), [
            { name: 'Jobs__Concurrency', value: string(jobConcurrency) }
          ])
          resources: resources
          probes: probes(port)
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: concat(pendingRules, lagRules)
      }
    }
  }
}
