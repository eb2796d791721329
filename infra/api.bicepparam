// Read by `azd deploy` (after `azd provision` wrote these variables into the environment).
using 'api.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param containerAppsEnvironmentName = readEnvironmentVariable('AZURE_CONTAINER_APPS_ENVIRONMENT_NAME')
param identityId = readEnvironmentVariable('AZURE_MANAGED_IDENTITY_ID')
param registryServer = readEnvironmentVariable('AZURE_CONTAINER_REGISTRY_ENDPOINT')
param keyVaultUri = readEnvironmentVariable('AZURE_KEY_VAULT_URI')
param imageName = readEnvironmentVariable('SERVICE_API_IMAGE_NAME')
param aiConfigured = bool(readEnvironmentVariable('AI_CONFIGURED', 'false'))
param minReplicas = int(readEnvironmentVariable('API_MIN_REPLICAS', '1'))
param maxReplicas = int(readEnvironmentVariable('API_MAX_REPLICAS', '10'))
