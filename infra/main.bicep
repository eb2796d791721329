// Everything `azd provision` creates once per environment. The two apps are not here: `azd deploy` creates
// and updates them from api.bicep and worker.bicep with the image it has just pushed (azd's revision-based
// deployment), so that one template holds the whole app, its migration init container included.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@secure()
@description('Password of the PostgreSQL administrator. azd generates it on the first provision and keeps it in the environment\'s config.')
@metadata({ azd: { type: 'generate', config: { length: 32, noSpecial: true, minLower: 1, minUpper: 1, minNumeric: 1 } } })
param postgresAdminPassword string

@secure()
@description('Key that signs the Api\'s JWTs (Jwt:Key). azd generates it on the first provision.')
@metadata({ azd: { type: 'generate', config: { length: 48, noSpecial: true } } })
param jwtKey string

@secure()
@description('Optional model connection string (ConnectionStrings:ai). Empty: the built-in offline generator answers.')
param aiConnectionString string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'id-${resourceToken}'
  }
}

module registry 'modules/registry.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cr${resourceToken}'
    pullPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-${resourceToken}'
    readerPrincipalId: identity.outputs.principalId
    jwtKey: jwtKey
    aiConnectionString: aiConnectionString
  }
}

module postgres 'modules/postgres.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'psql-${resourceToken}'
    administratorPassword: postgresAdminPassword
    keyVaultName: keyVault.outputs.name
  }
}

module redis 'modules/redis.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'redis-${resourceToken}'
    keyVaultName: keyVault.outputs.name
  }
}

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cae-${resourceToken}'
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// Read by azd (registry endpoint) and by api.bicepparam / worker.bicepparam at deploy time.
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output AZURE_MANAGED_IDENTITY_ID string = identity.outputs.id
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output REDIS_HOST string = redis.outputs.hostName
output REDIS_PORT int = redis.outputs.port
// Whether a model connection string was given (the apps then get ConnectionStrings__ai), not its value.
#disable-next-line outputs-should-not-contain-secrets
output AI_CONFIGURED bool = !empty(aiConnectionString)
