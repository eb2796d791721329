// Read by `azd deploy` (after `azd provision` wrote these variables into the environment).
// Tune with `azd env set WORKER_MAX_REPLICAS 20` etc., then `azd deploy worker`.
using 'worker.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param containerAppsEnvironmentName = readEnvironmentVariable('AZURE_CONTAINER_APPS_ENVIRONMENT_NAME')
param identityId = readEnvironmentVariable('AZURE_MANAGED_IDENTITY_ID')
param registryServer = readEnvironmentVariable('AZURE_CONTAINER_REGISTRY_ENDPOINT')
param keyVaultUri = readEnvironmentVariable('AZURE_KEY_VAULT_URI')
param imageName = readEnvironmentVariable('SERVICE_WORKER_IMAGE_NAME')
param aiConfigured = bool(readEnvironmentVariable('AI_CONFIGURED', 'false'))
param redisHost = readEnvironmentVariable('REDIS_HOST')
param redisPort = int(readEnvironmentVariable('REDIS_PORT'))
param minReplicas = int(readEnvironmentVariable('WORKER_MIN_REPLICAS', '1'))
param maxReplicas = int(readEnvironmentVariable('WORKER_MAX_REPLICAS', '10'))
param jobConcurrency = int(readEnvironmentVariable('WORKER_JOB_CONCURRENCY', '32'))
param lagPerReplica = int(readEnvironmentVariable('WORKER_LAG_PER_REPLICA', '10'))
